using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Edge.Diagnostics;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// An authenticated device session: runs the read loop and the heartbeat, multiplexes relayed requests as streams
/// (request id = stream id), and assembles each response from the device's frames.
/// </summary>
internal sealed partial class DeviceConnection
{
    private readonly PipeReader _input;
    private readonly FrameSender _sender;
    private readonly DeviceSessionSettings _settings;
    private readonly TimeSpan _requestTimeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<string[]> _onCacheInvalidate;
    private readonly NotificationForwarder _notifications;
    private readonly EdgeMetrics _metrics;
    private readonly ConcurrentDictionary<uint, PendingRelay> _streams = new();
    private readonly CancellationTokenSource _closing = new();
    private uint _nextStreamId;
    private readonly ConnectionHeartbeat _heartbeat;
    private string? _closeReason;
    private volatile bool _draining;

    public DeviceConnection(
        string deviceId,
        long epoch,
        string connectionId,
        PipeReader input,
        FrameSender sender,
        DeviceSessionSettings settings,
        TimeSpan requestTimeout,
        TimeProvider time,
        ILogger logger,
        EdgeMetrics metrics,
        Action<string[]> onCacheInvalidate,
        NotificationForwarder notifications)
    {
        DeviceId = deviceId;
        Epoch = epoch;
        ConnectionId = connectionId;
        _input = input;
        _sender = sender;
        _settings = settings;
        _requestTimeout = requestTimeout;
        _time = time;
        _logger = logger;
        _onCacheInvalidate = onCacheInvalidate;
        _notifications = notifications;
        _metrics = metrics;
        ConnectedAt = time.GetUtcNow();
        _heartbeat = new ConnectionHeartbeat(settings.Heartbeat, sender, time);
    }

    public string DeviceId { get; }

    public long Epoch { get; }

    public string ConnectionId { get; }

    public DateTimeOffset ConnectedAt { get; }

    /// <summary>Whether the session is finishing its last requests before closing.</summary>
    public bool IsDraining => _draining;

    /// <summary>Why the session ended, once it has.</summary>
    public string CloseReason => _closeReason ?? "device closed the connection";

    /// <summary>Runs the session until the device disconnects, breaks the protocol, goes silent or is closed.</summary>
    public async Task RunAsync()
    {
        var heartbeat = _heartbeat.RunAsync(
            silent =>
            {
                _metrics.HeartbeatTimedOut();
                Close(CloseCodes.HeartbeatTimeout, $"Nothing received for {silent.TotalSeconds:0.#} s.");
            },
            _closing.Token);
        var notifications = _notifications.RunAsync(_closing.Token);
        using var overflow = _sender.Overflowed.Register(OnSenderOverflow);
        try
        {
            await FrameReadLoop.RunAsync(_input, _settings.MaxFramePayload, HandleFrame, _closing.Token);
        }
        catch (ProtocolException ex)
        {
            Log.ProtocolViolation(_logger, DeviceId, ex.Code, ex.Message);
            Close(CloseCodes.ProtocolError, ex.Message);
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            _closeReason ??= $"connection failed: {ex.Message}";
        }
        finally
        {
            _closing.Cancel();
            FailAll(RelayError.DeviceOffline, _closeReason is null
                ? "The device disconnected before answering."
                : $"The device's connection closed before it answered ({_closeReason}).");
            await heartbeat;
            await notifications;
        }
    }

    /// <summary>Tells the device why with a go-away frame, then ends the session.</summary>
    public void Close(string code, string reason)
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }

        _closeReason ??= $"{code}: {reason}";
        _sender.TrySend(HandshakeJson.ToFrame(FrameType.GoAway, new CloseMessage { Code = code, Reason = reason }, WireJsonContext.Default.CloseMessage));
        Log.Closing(_logger, DeviceId, Epoch, code, reason);
        _closing.Cancel();
    }

    /// <summary>
    /// Graceful end: tells the device to move (go-away), takes no new requests, lets the requests in flight finish
    /// (at most <paramref name="timeout"/>), then closes.
    /// </summary>
    public async Task DrainAsync(string code, string reason, TimeSpan timeout)
    {
        if (_closing.IsCancellationRequested || _draining)
        {
            return;
        }

        _draining = true;
        _closeReason ??= $"{code}: {reason}";
        _sender.TrySend(HandshakeJson.ToFrame(FrameType.GoAway, new CloseMessage { Code = code, Reason = reason }, WireJsonContext.Default.CloseMessage));
        Log.Draining(_logger, DeviceId, Epoch, _streams.Count);
        var deadline = _time.GetTimestamp();
        while (!_streams.IsEmpty && !_closing.IsCancellationRequested && _time.GetElapsedTime(deadline) < timeout)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _time);
        }

        _closing.Cancel();
    }

    /// <summary>Sends a request to the device as a new stream and waits for its response, the timeout or the end of the session.</summary>
    public async Task<RelayResponse> RelayAsync(RelayRequest request)
    {
        if (_closing.IsCancellationRequested || _draining)
        {
            return RelayResponse.Failure(RelayError.DeviceOffline, "The device's session is closing.");
        }

        byte[] head;
        try
        {
            head = HttpHeadSerializer.WriteRequest(new HttpRequestHead(request.Method, request.PathAndQuery, request.Headers));
        }
        catch (ProtocolException ex)
        {
            return RelayResponse.Failure(RelayError.BadDeviceResponse, $"The request cannot be relayed: {ex.Message}");
        }

        if (head.Length + ProtocolLimits.StreamPrefixSize > _settings.MaxFramePayload)
        {
            return RelayResponse.Failure(RelayError.BadDeviceResponse, "The request head is larger than one frame.");
        }

        var streamId = Interlocked.Increment(ref _nextStreamId);
        var pending = new PendingRelay(streamId, _settings.StreamWindow, _settings.MaxBodyBytes);
        _streams[streamId] = pending;
        if (_closing.IsCancellationRequested)
        {
            // The session ended between the check above and the registration: nobody would fail this stream.
            _streams.TryRemove(streamId, out _);
            return RelayResponse.Failure(RelayError.DeviceOffline, "The device's session is closing.");
        }

        // Only a request with a body needs a way to stop its pump: no extra allocation for the common GET.
        var hasBody = request.Body.Length > 0;
        using var bodyCancel = hasBody ? CancellationTokenSource.CreateLinkedTokenSource(_closing.Token) : null;
        try
        {
            _sender.TrySend(OutboundFrame.CreateStream(FrameType.RequestHead, streamId, hasBody ? StreamFlags.None : StreamFlags.EndStream, head));
            if (bodyCancel is not null)
            {
                _ = SendBodyAsync(pending, request.Body, bodyCancel.Token);
            }

            var timeout = request.Timeout > TimeSpan.Zero && request.Timeout < _requestTimeout ? request.Timeout : _requestTimeout;
            try
            {
                return await pending.Completion.WaitAsync(timeout, _time);
            }
            catch (TimeoutException)
            {
                _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, streamId, (uint)StreamResetCode.Timeout));
                Log.RequestTimedOut(_logger, DeviceId, streamId, timeout);
                return RelayResponse.Failure(RelayError.DeviceTimeout, $"The device did not answer within {timeout.TotalSeconds:0.###} s.");
            }
        }
        finally
        {
            bodyCancel?.Cancel();
            _streams.TryRemove(streamId, out _);
            pending.SendWindow.Abort(new OperationCanceledException("The stream has ended."));
        }
    }

    private async Task SendBodyAsync(PendingRelay pending, byte[] body, CancellationToken cancellationToken)
    {
        try
        {
            using var source = new MemoryStream(body, writable: false);
            await BodyPump.PumpAsync(source, pending.StreamId, _sender, pending.SendWindow, _settings.ChunkSize, long.MaxValue, cancellationToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConnectionClosedException)
        {
            // The response arrived first, the request timed out or the connection closed; the relay has its answer.
        }
    }

    private void HandleFrame(in Frame frame)
    {
        _heartbeat.MarkReceived();
        switch (frame.Type)
        {
            case FrameType.ResponseHead:
                OnResponseHead(StreamFrame.Parse(frame.Payload));
                break;
            case FrameType.Data:
                OnData(StreamFrame.Parse(frame.Payload));
                break;
            case FrameType.Reset:
                var reset = StreamControl.Parse(frame.Payload);
                if (_streams.TryGetValue(reset.StreamId, out var resetStream))
                {
                    resetStream.Fail(RelayError.BadDeviceResponse, $"The device reset the request ({(StreamResetCode)reset.Value}).");
                }

                break;
            case FrameType.WindowUpdate:
                var update = StreamControl.Parse(frame.Payload);
                if (_streams.TryGetValue(update.StreamId, out var updated) && !updated.SendWindow.Grant(update.Value))
                {
                    throw new ProtocolException(ProtocolErrorCode.FlowControlViolation, $"Invalid window update of {update.Value} on stream {update.StreamId}.");
                }

                break;
            case FrameType.Ping:
                ConnectionHeartbeat.AnswerPing(frame, _sender);
                break;
            case FrameType.Pong:
                break;
            case FrameType.CacheInvalidate:
                _onCacheInvalidate(CacheInvalidateMessage.Parse(frame.Payload).Paths);
                break;
            case FrameType.Notification:
                _notifications.Accept(NotificationMessage.Parse(frame.Payload));
                break;
            case FrameType.GoAway:
                var goAway = HandshakeJson.Parse(frame.Payload, WireJsonContext.Default.CloseMessage);
                _closeReason = $"device went away: {goAway.Code}: {goAway.Reason}";
                _closing.Cancel();
                break;
            default:
                throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"A device may not send {frame.Type} frames after the handshake.");
        }
    }

    private void OnResponseHead(StreamFrame frame)
    {
        if (!_streams.TryGetValue(frame.StreamId, out var pending) || pending.IsCompleted)
        {
            Log.LateFrameIgnored(_logger, DeviceId, frame.StreamId);
            return;
        }

        HttpResponseHead head;
        try
        {
            head = HttpHeadSerializer.ParseResponse(frame.Content);
        }
        catch (ProtocolException ex)
        {
            // A bad head spoils one response, not the whole connection.
            pending.Fail(RelayError.BadDeviceResponse, $"The device sent an invalid response head: {ex.Message}");
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, frame.StreamId, (uint)StreamResetCode.ProtocolError));
            return;
        }

        pending.OnHead(head, frame.EndStream);
    }

    private void OnData(StreamFrame frame)
    {
        if (!_streams.TryGetValue(frame.StreamId, out var pending) || pending.IsCompleted)
        {
            Log.LateFrameIgnored(_logger, DeviceId, frame.StreamId);
            return;
        }

        if (frame.Content.Length > _settings.StreamWindow)
        {
            throw new ProtocolException(ProtocolErrorCode.FlowControlViolation, $"Data frame of {frame.Content.Length} bytes exceeds the stream window.");
        }

        if (!pending.OnData(frame.Content, frame.EndStream))
        {
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, frame.StreamId, (uint)StreamResetCode.BodyTooLarge));
            return;
        }

        if (!frame.EndStream && !frame.Content.IsEmpty)
        {
            // The edge buffers the response, so every received byte is consumed at once: return the credit.
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.WindowUpdate, frame.StreamId, (uint)frame.Content.Length));
        }
    }

    private void OnSenderOverflow()
    {
        var reason = _sender.OverflowReason ?? "the device stopped reading";
        _metrics.LimitRejected(Limits.DeviceBackpressure);
        Log.SlowReader(_logger, DeviceId, Epoch, reason);
        Close(CloseCodes.SlowReader, $"The edge dropped the connection: {reason}.");
    }

    private void FailAll(RelayError error, string message)
    {
        foreach (var pending in _streams.Values)
        {
            pending.Fail(error, message);
        }
    }
}
