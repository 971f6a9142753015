using System.Buffers;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>
/// A device cannot claim another id: not with a wrong secret, not with its own valid secret, not by replaying a
/// captured hello, not with a proof made over another connection's nonce. A second authenticated connection replaces
/// the first, across edges, with a larger epoch, and the first is told <c>replaced</c>.
/// (Wrong secret and replacement on one edge: <c>RelayFailureTests</c>.)
/// </summary>
[Collection(SecurityCollection.Name)]
public sealed class DeviceImpersonationTests(SecurityFixture fixture)
{
    [Fact]
    public async Task ChallengeNonces_AreFreshPerConnection()
    {
        var nonces = new HashSet<string>();
        for (var i = 0; i < 16; i++)
        {
            await using var device = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
            var nonce = await ChallengeAsync(device);
            Assert.Equal(ProtocolLimits.NonceSize, nonce.Length);
            Assert.True(nonces.Add(Convert.ToHexString(nonce)), "a challenge nonce repeated");
        }
    }

    [Fact]
    public async Task ReplayedHello_FromACapturedHandshake_IsRejected()
    {
        var (id, secret) = await ProvisionAsync();
        byte[] captured;
        await using (var genuine = await RawDevice.ConnectAsync(fixture.Edge.DevicePort))
        {
            captured = Hello(id, secret, await ChallengeAsync(genuine));
            await genuine.SendRawAsync(captured);
            Assert.Equal(FrameType.Accept, (await genuine.ReadAsync())!.Value.Type);
        }

        await using var replay = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        await ChallengeAsync(replay);
        await replay.SendRawAsync(captured);

        await AssertRejectedAsync(replay, CloseCodes.BadCredentials);
    }

    [Fact]
    public async Task ProofOverAnotherConnectionsNonce_IsRejected_ButValidOnItsOwnConnection()
    {
        var (id, secret) = await ProvisionAsync();
        await using var victim = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        await using var attacker = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        var victimNonce = await ChallengeAsync(victim);
        await ChallengeAsync(attacker);
        var stolen = Hello(id, secret, victimNonce);

        await attacker.SendRawAsync(stolen);
        await AssertRejectedAsync(attacker, CloseCodes.BadCredentials);

        await victim.SendRawAsync(stolen);
        Assert.Equal(FrameType.Accept, (await victim.ReadAsync())!.Value.Type);
    }

    [Fact]
    public async Task ValidSecretOfOneDevice_CannotClaimAnotherId()
    {
        var (own, ownSecret) = await ProvisionAsync();
        var (other, _) = await ProvisionAsync();

        // Own secret, other id; and a proof bound to the own id presented under the other id.
        await using (var claim = await RawDevice.ConnectAsync(fixture.Edge.DevicePort))
        {
            await claim.SendRawAsync(Hello(other, ownSecret, await ChallengeAsync(claim)));
            await AssertRejectedAsync(claim, CloseCodes.BadCredentials);
        }

        await using var swapped = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        var nonce = await ChallengeAsync(swapped);
        var proof = DeviceAuthentication.CreateProof(ownSecret, nonce, own);
        await swapped.SendRawAsync(HelloFrame(other, proof));
        await AssertRejectedAsync(swapped, CloseCodes.BadCredentials);
    }

    [Fact]
    public async Task SecondConnectionOnAnotherEdge_ReplacesTheFirst_WhichIsToldReplaced()
    {
        var (id, secret) = await ProvisionAsync();
        await using var otherEdge = await TestEdge.StartAsync(fixture.Silo.Cluster);
        await using var first = await RawDevice.ConnectAsync(fixture.Edge.DevicePort);
        var firstAccept = await AcceptedAsync(first, id, secret);

        await using var second = await RawDevice.ConnectAsync(otherEdge.DevicePort);
        var secondAccept = await AcceptedAsync(second, id, secret);
        var goAway = HandshakeJson.Parse(new ReadOnlySequence<byte>(await first.ReadUntilAsync(FrameType.GoAway)), WireJsonContext.Default.CloseMessage);

        Assert.Equal(CloseCodes.Replaced, goAway.Code);
        Assert.True(await first.ClosedByEdgeAsync());
        Assert.True(secondAccept.Epoch > firstAccept.Epoch, $"epoch {secondAccept.Epoch} after {firstAccept.Epoch}");
        var status = await fixture.Edge.StatusAsync(id);
        Assert.True(status.GetProperty("online").GetBoolean());
    }

    private async Task<(string Id, string Secret)> ProvisionAsync()
    {
        var id = "sec-imp-" + Guid.NewGuid().ToString("N")[..8];
        return (id, await fixture.Edge.ProvisionAsync(id));
    }

    private static async Task<byte[]> ChallengeAsync(RawDevice device)
    {
        var frame = await device.ReadAsync() ?? throw new IOException("no challenge");
        Assert.Equal(FrameType.Challenge, frame.Type);
        return ChallengeMessage.Parse(new ReadOnlySequence<byte>(frame.Payload)).Nonce;
    }

    private static async Task<AcceptMessage> AcceptedAsync(RawDevice device, string id, string secret)
    {
        await device.SendRawAsync(Hello(id, secret, await ChallengeAsync(device)));
        var answer = await device.ReadAsync() ?? throw new IOException("closed without an answer");
        Assert.Equal(FrameType.Accept, answer.Type);
        return HandshakeJson.Parse(new ReadOnlySequence<byte>(answer.Payload), WireJsonContext.Default.AcceptMessage);
    }

    private static byte[] Hello(string id, string secret, byte[] nonce) => HelloFrame(id, DeviceAuthentication.CreateProof(secret, nonce, id));

    private static byte[] HelloFrame(string id, byte[] proof) =>
        HandshakeJson.ToFrame(
            FrameType.Hello,
            new HelloMessage { Protocol = 1, DeviceId = id, Proof = Convert.ToBase64String(proof) },
            WireJsonContext.Default.HelloMessage).Span.ToArray();

    private static async Task AssertRejectedAsync(RawDevice device, string code)
    {
        var answer = await device.ReadAsync() ?? throw new IOException("closed without a reject");
        Assert.Equal(FrameType.Reject, answer.Type);
        Assert.Equal(code, HandshakeJson.Parse(new ReadOnlySequence<byte>(answer.Payload), WireJsonContext.Default.CloseMessage).Code);
        Assert.True(await device.ClosedByEdgeAsync());
    }
}
