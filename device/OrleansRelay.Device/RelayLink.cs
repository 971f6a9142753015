using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Text.Json;
using OrleansRelay.Device.Tls;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Device;

/// <summary>One TCP connection to an edge, through the handshake: challenge → hello with proof → accept or reject.</summary>
internal sealed class RelayLink : IAsyncDisposable
{
    private const int MaxHandshakePayload = 64 * 1024;

    /// <summary>Receive buffer: a data frame of the default chunk size in one or two receives (an idle link holds one).</summary>
    private const int ReceiveBufferSize = ProtocolLimits.DefaultChunkSize;

    /// <summary>Send segment: a whole data frame of the default chunk size with its header, or a batch of small frames.</summary>
    private const int SendSegmentSize = 2 * ProtocolLimits.DefaultChunkSize;

    private readonly Socket _socket;
    private readonly Stream _stream;

    private RelayLink(Socket socket, Stream stream)
    {
        _socket = socket;
        _stream = stream;
        // Buffers of a chunk, not the 4 KiB default: a flush writes each segment with its own send, so 4 KiB segments
        // cost sixteen system calls per 64 KiB data frame (and TLS sixteen records); receives likewise.
        Input = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: ReceiveBufferSize, minimumReadSize: ReceiveBufferSize / 4));
        Output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(minimumBufferSize: SendSegmentSize));
        Sender = new FrameSender(Output);
    }

    public PipeReader Input { get; }

    public PipeWriter Output { get; }

    public FrameSender Sender { get; }

    public System.Net.EndPoint? RemoteEndPoint => _socket.RemoteEndPoint;

    /// <summary>Resolves <paramref name="server"/> now (DNS may have changed), connects with Nagle off, and runs TLS when configured.</summary>
    /// <exception cref="EdgeTlsException">TLS was configured and the handshake or the edge's certificate failed.</exception>
    public static async Task<RelayLink> ConnectAsync(ServerAddress server, EdgeTlsOptions? tls, CancellationToken cancellationToken)
    {
        var socket = await ConnectSocketAsync(server, cancellationToken);
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        if (tls is not null)
        {
            stream = await EdgeTlsClient.AuthenticateAsync(stream, server.Host, tls, cancellationToken);
        }

        return new RelayLink(socket, stream);
    }

    private static async Task<Socket> ConnectSocketAsync(ServerAddress server, CancellationToken cancellationToken)
    {
        var addresses = await System.Net.Dns.GetHostAddressesAsync(server.Host, cancellationToken);
        if (addresses.Length == 0)
        {
            throw new SocketException((int)SocketError.HostNotFound);
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(address, server.Port, cancellationToken);
                return socket;
            }
            catch (SocketException ex)
            {
                last = ex;
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw last!;
    }

    /// <summary>Runs the handshake, announcing <paramref name="features"/> (<see cref="HelloFeatures"/>). The frame sender must already be running.</summary>
    /// <exception cref="HandshakeRejectedException">The edge rejected the device.</exception>
    /// <exception cref="ProtocolException">The edge did not follow the handshake.</exception>
    public async Task<AcceptMessage> HandshakeAsync(string deviceId, string secret, JsonElement? info, IReadOnlyList<string>? features, CancellationToken cancellationToken)
    {
        var challengeFrame = await ReadAsync(cancellationToken);
        if (challengeFrame.Type != FrameType.Challenge)
        {
            throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"Expected a challenge, got {challengeFrame.Type}.");
        }

        var challenge = ChallengeMessage.Parse(new ReadOnlySequence<byte>(challengeFrame.Payload));
        if (challenge.ProtocolVersion != ProtocolLimits.ProtocolVersion)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, $"The edge speaks protocol {challenge.ProtocolVersion}; this daemon speaks {ProtocolLimits.ProtocolVersion}.");
        }

        var hello = new HelloMessage
        {
            Protocol = ProtocolLimits.ProtocolVersion,
            DeviceId = deviceId,
            Proof = Convert.ToBase64String(DeviceAuthentication.CreateProof(secret, challenge.Nonce, deviceId)),
            Info = info,
            Features = features,
        };
        Sender.TrySend(HandshakeJson.ToFrame(FrameType.Hello, hello, WireJsonContext.Default.HelloMessage));

        var answer = await ReadAsync(cancellationToken);
        var payload = new ReadOnlySequence<byte>(answer.Payload);
        switch (answer.Type)
        {
            case FrameType.Accept:
                return HandshakeJson.Parse(payload, WireJsonContext.Default.AcceptMessage);
            case FrameType.Reject:
                var reject = HandshakeJson.Parse(payload, WireJsonContext.Default.CloseMessage);
                throw new HandshakeRejectedException(reject.Code, reject.Reason, reject.RetryAfterSeconds);
            default:
                throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"Expected accept or reject, got {answer.Type}.");
        }
    }

    private async Task<(FrameType Type, byte[] Payload)> ReadAsync(CancellationToken cancellationToken) =>
        await FrameReadLoop.ReadOneAsync(Input, MaxHandshakePayload, cancellationToken)
            ?? throw new IOException("The edge closed the connection during the handshake.");

    public async ValueTask DisposeAsync()
    {
        Sender.Complete();
        await Input.CompleteAsync();
        await Output.CompleteAsync();
        await _stream.DisposeAsync();
    }
}
