using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Wire;

public sealed class DeviceAuthenticationTests
{
    private static readonly byte[] Nonce = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void VerifyProof_RightSecret_Succeeds()
    {
        var secret = DeviceAuthentication.GenerateSecret();
        var stored = DeviceAuthentication.ComputeStoredKey(secret);

        Assert.True(DeviceAuthentication.VerifyProof(stored, Nonce, "thermo-1", DeviceAuthentication.CreateProof(secret, Nonce, "thermo-1")));
    }

    [Fact]
    public void VerifyProof_WrongSecretNonceOrDevice_Fails()
    {
        var secret = DeviceAuthentication.GenerateSecret();
        var stored = DeviceAuthentication.ComputeStoredKey(secret);
        var otherNonce = (byte[])Nonce.Clone();
        otherNonce[0] ^= 1;

        Assert.False(DeviceAuthentication.VerifyProof(stored, Nonce, "thermo-1", DeviceAuthentication.CreateProof(DeviceAuthentication.GenerateSecret(), Nonce, "thermo-1")));
        Assert.False(DeviceAuthentication.VerifyProof(stored, otherNonce, "thermo-1", DeviceAuthentication.CreateProof(secret, Nonce, "thermo-1")));
        Assert.False(DeviceAuthentication.VerifyProof(stored, Nonce, "thermo-2", DeviceAuthentication.CreateProof(secret, Nonce, "thermo-1")));
        Assert.False(DeviceAuthentication.VerifyProof(stored, Nonce, "thermo-1", new byte[31]));
    }

    [Fact]
    public void StoredKey_DoesNotLetAHolderForgeAProof()
    {
        var secret = DeviceAuthentication.GenerateSecret();
        var stored = DeviceAuthentication.ComputeStoredKey(secret);

        // Someone with a copy of the stored key who tries it as the secret (or as the proof) is refused.
        Assert.False(DeviceAuthentication.VerifyProof(stored, Nonce, "d", DeviceAuthentication.CreateProof(Convert.ToBase64String(stored), Nonce, "d")));
        Assert.False(DeviceAuthentication.VerifyProof(stored, Nonce, "d", stored));
    }

    [Fact]
    public void Proof_MatchesTheTestVectorInProtocolMd()
    {
        // docs/protocol.md "Worked examples": implementers of other daemons check their code against these values.
        var nonce = Enumerable.Range(0, 32).Select(i => (byte)(0xa0 + (i % 16))).ToArray();

        Assert.Equal("2908B4523D0A5A9A2DB5012A16EF4D90CD4D28CA07DE4D36F56FA7AB35D56671", Convert.ToHexString(DeviceAuthentication.ComputeStoredKey("demo-secret-do-not-use")));
        Assert.Equal("D2X9ln98YYTEp2x/o7DZpLXMfYuIYRZVvtw9QObbDzc=", Convert.ToBase64String(DeviceAuthentication.CreateProof("demo-secret-do-not-use", nonce, "pump-1")));
    }

    [Fact]
    public void GenerateSecret_Is43Base64UrlCharactersAndUnique()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => DeviceAuthentication.GenerateSecret()).ToHashSet();

        Assert.Equal(100, secrets.Count);
        Assert.All(secrets, s => Assert.Matches("^[A-Za-z0-9_-]{43}$", s));
    }

    [Theory]
    [InlineData("thermo-1", true)]
    [InlineData("a.b_c:d-E9", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("slash/inside", false)]
    [InlineData("ümlaut", false)]
    public void DeviceIds_IsValid(string id, bool valid) => Assert.Equal(valid, DeviceIds.IsValid(id));

    [Fact]
    public void DeviceIds_LongerThanMax_IsInvalid() => Assert.False(DeviceIds.IsValid(new string('a', DeviceIds.MaxLength + 1)));
}
