using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>A device speaking the wire protocol by hand over a real socket, to observe exactly what the edge sends.</summary>
internal sealed class RawDevice : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _input;

    private RawDevice(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream);
    }

    /// <summary>Connects to <paramref name="port"/>; a small <paramref name="receiveBufferSize"/> makes a device that does not read fill up quickly.</summary>
    public static async Task<RawDevice> ConnectAsync(int port, int? receiveBufferSize = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        if (receiveBufferSize is { } size)
        {
            socket.ReceiveBufferSize = size;
        }

        await socket.ConnectAsync(IPAddress.Loopback, port, TestContext.Current.CancellationToken);
        return new RawDevice(socket);
    }

    /// <summary>Reads the challenge, sends a hello proving <paramref name="secret"/>, and returns the edge's answer.</summary>
    public async Task<(FrameType Type, byte[] Payload)> HandshakeAsync(string deviceId, string secret)
    {
        var challenge = await ReadAsync() ?? throw new IOException("no challenge");
        Assert.Equal(FrameType.Challenge, challenge.Type);
        var nonce = ChallengeMessage.Parse(new ReadOnlySequence<byte>(challenge.Payload)).Nonce;
        await SendAsync(HandshakeJson.ToFrame(
            FrameType.Hello,
            new HelloMessage { Protocol = 1, DeviceId = deviceId, Proof = Convert.ToBase64String(DeviceAuthentication.CreateProof(secret, nonce, deviceId)) },
            WireJsonContext.Default.HelloMessage));
        return await ReadAsync() ?? throw new IOException("connection closed without an answer");
    }

    public async Task SendAsync(OutboundFrame frame) => await _stream.WriteAsync(frame.Span.ToArray(), TestContext.Current.CancellationToken);

    public async Task SendRawAsync(byte[] bytes) => await _stream.WriteAsync(bytes, TestContext.Current.CancellationToken);

    /// <summary>The next frame, or <c>null</c> once the edge has closed the connection.</summary>
    public async Task<(FrameType Type, byte[] Payload)?> ReadAsync()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        try
        {
            return await FrameReadLoop.ReadOneAsync(_input, 1 << 24, timeout.Token);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>Reads until a frame of <paramref name="type"/> (skipping heartbeats and requests) and returns its payload.</summary>
    public async Task<byte[]> ReadUntilAsync(FrameType type)
    {
        while (true)
        {
            var frame = await ReadAsync() ?? throw new IOException($"connection closed before a {type} frame");
            if (frame.Type == type)
            {
                return frame.Payload;
            }

            if (frame.Type == FrameType.Ping)
            {
                // A live device answers heartbeats; on a loaded machine a test can outlast the edge's silence limit.
                await SendAsync(OutboundFrame.Create(FrameType.Pong, frame.Payload));
            }
        }
    }

    /// <summary>True once the edge has closed the connection (any frames before the close are skipped).</summary>
    public async Task<bool> ClosedByEdgeAsync()
    {
        while (await ReadAsync() is not null)
        {
        }

        return true;
    }

    public async ValueTask DisposeAsync()
    {
        await _input.CompleteAsync();
        await _stream.DisposeAsync();
        _socket.Dispose();
    }
}
