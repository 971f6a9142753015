using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.LoadTest.Devices;

/// <summary>
/// One simulated device's TCP connection to an edge, built only from <c>OrleansRelay.Wire</c>: challenge → hello
/// with proof → accept or reject, then a read loop that hands relayed requests to the in-process
/// <see cref="SimulatedRestApi"/>, answers pings and keeps the heartbeat. Lean on purpose: ten thousand of these
/// share one process, so each holds one socket, two small pipes, one sender queue and one timer.
/// </summary>
internal sealed class DeviceConnection
{
    private const int MaxHandshakePayload = 64 * 1024;
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 2048, minimumReadSize: 512);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 2048);

    private readonly NetworkStream _stream;
    private readonly PipeReader _input;
    private readonly FrameSender _sender;
    private readonly Task _writing;
    private readonly CancellationTokenSource _closing = new();
    private SimulatedRestApi? _api;
    private AcceptMessage? _settings;

    private DeviceConnection(Socket socket)
    {
        _stream = new NetworkStream(socket, ownsSocket: true);
        _input = PipeReader.Create(_stream, ReaderOptions);
        _sender = new FrameSender(PipeWriter.Create(_stream, WriterOptions));
        _writing = _sender.RunAsync(CancellationToken.None);
    }

    /// <summary>Completes with the reason when the connection has ended.</summary>
    public Task<string> Completion { get; private set; } = Task.FromResult("not started");

    /// <summary>Whether the edge announced it is going away (drain).</summary>
    public bool GoAwayReceived { get; private set; }

    /// <summary>Called with each <c>NotificationAck</c>'s sequence number (set before the first notification is sent).</summary>
    public Action<long>? NotificationsAcknowledged { get; set; }

    /// <summary>Queues a frame (a notification) for sending; false when the connection is closing.</summary>
    public bool TrySend(OutboundFrame frame) => !_closing.IsCancellationRequested && _sender.TrySend(frame);

    /// <summary>Connects, runs the handshake and, once accepted, starts serving.</summary>
    public static async Task<HandshakeOutcome> OpenAsync(IPEndPoint edge, DeviceCredentials device, DeviceApiOptions api, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(edge.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(edge, deadline.Token);
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
            socket.Dispose();
            return HandshakeOutcome.Failed(ex is SocketException se ? $"connect-{se.SocketErrorCode}" : "connect-timeout");
        }

        var connection = new DeviceConnection(socket);
        try
        {
            var outcome = await connection.HandshakeAsync(device, deadline.Token);
            if (outcome.Session is null)
            {
                await connection.DisposeTransportAsync();
                return outcome;
            }

            connection._api = new SimulatedRestApi(device.Profile, api, connection._sender, connection._settings!);
            connection.Completion = connection.ServeAsync();
            return outcome;
        }
        catch (Exception ex) when (ex is IOException or ProtocolException or OperationCanceledException or SocketException or System.Text.Json.JsonException)
        {
            await connection.DisposeTransportAsync();
            return HandshakeOutcome.Failed(ex switch
            {
                OperationCanceledException => "handshake-timeout",
                ProtocolException => "handshake-protocol-error",
                _ => "handshake-connection-lost",
            });
        }
    }

    /// <summary>Says goodbye (<c>shutdown</c>) and closes; <see cref="Completion"/> completes soon after.</summary>
    public void Close()
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }

        _sender.TrySend(HandshakeJson.ToFrame(FrameType.GoAway, new CloseMessage { Code = CloseCodes.Shutdown, Reason = "Simulated device disconnecting." }, WireJsonContext.Default.CloseMessage));
        _sender.Complete();
        _closing.Cancel();
    }

    private async Task<HandshakeOutcome> HandshakeAsync(DeviceCredentials device, CancellationToken cancellationToken)
    {
        var challenge = await FrameReadLoop.ReadOneAsync(_input, MaxHandshakePayload, cancellationToken)
            ?? throw new IOException("The edge closed the connection before its challenge.");
        if (challenge.Type != FrameType.Challenge)
        {
            throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"Expected a challenge, got {challenge.Type}.");
        }

        var nonce = ChallengeMessage.Parse(new ReadOnlySequence<byte>(challenge.Payload)).Nonce;
        var deviceId = device.Profile.DeviceId;
        // Like the daemon, the hello carries the device's own GET /device document as its info.
        using var info = System.Text.Json.JsonDocument.Parse(device.Profile.Document);
        var hello = new HelloMessage
        {
            Protocol = ProtocolLimits.ProtocolVersion,
            DeviceId = deviceId,
            Proof = Convert.ToBase64String(DeviceAuthentication.CreateProof(device.Secret, nonce, deviceId)),
            Info = info.RootElement,
        };
        _sender.TrySend(HandshakeJson.ToFrame(FrameType.Hello, hello, WireJsonContext.Default.HelloMessage));

        var answer = await FrameReadLoop.ReadOneAsync(_input, MaxHandshakePayload, cancellationToken)
            ?? throw new IOException("The edge closed the connection during the handshake.");
        var payload = new ReadOnlySequence<byte>(answer.Payload);
        switch (answer.Type)
        {
            case FrameType.Accept:
                _settings = HandshakeJson.Parse(payload, WireJsonContext.Default.AcceptMessage);
                return HandshakeOutcome.Accepted(this);
            case FrameType.Reject:
                var reject = HandshakeJson.Parse(payload, WireJsonContext.Default.CloseMessage);
                return HandshakeOutcome.Rejected(reject.Code, reject.RetryAfterSeconds);
            default:
                throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"Expected accept or reject, got {answer.Type}.");
        }
    }

    private async Task<string> ServeAsync()
    {
        await Task.Yield();
        var heartbeat = new ConnectionHeartbeat(TimeSpan.FromSeconds(_settings!.HeartbeatSeconds), _sender, TimeProvider.System);
        var beating = heartbeat.RunAsync(_ => _closing.Cancel(), _closing.Token);
        string reason;
        try
        {
            await FrameReadLoop.RunAsync(_input, _settings.MaxFramePayload, (in Frame frame) =>
            {
                heartbeat.MarkReceived();
                HandleFrame(frame);
            }, _closing.Token);
            reason = GoAwayReceived ? "edge-drained" : "edge-closed";
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            reason = "closed";
        }
        catch (ProtocolException)
        {
            reason = "protocol-error";
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or SocketException)
        {
            reason = "connection-lost";
        }

        _closing.Cancel();
        _api?.Abort();
        await beating;
        await DisposeTransportAsync();
        return reason;
    }

    private void HandleFrame(in Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.Ping:
                ConnectionHeartbeat.AnswerPing(frame, _sender);
                break;
            case FrameType.GoAway:
                GoAwayReceived = true;
                break;
            case FrameType.Pong:
                break;
            case FrameType.NotificationAck:
                NotificationsAcknowledged?.Invoke(NotificationMessage.ParseAck(frame.Payload));
                break;
            default:
                _api!.Handle(frame);
                break;
        }
    }

    private async Task DisposeTransportAsync()
    {
        _sender.Complete();
        await _writing;
        await _input.CompleteAsync();
        await _stream.DisposeAsync();
    }
}
