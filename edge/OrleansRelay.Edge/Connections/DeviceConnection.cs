using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging;
using OrleansRelay.Edge.Caching;
using OrleansRelay.Edge.Relaying;
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
    // Sized for the idle session (the default is ProcessorCount lock objects and 31 buckets per connection); it grows
    // with the streams in flight.
    private readonly ConcurrentDictionary<uint, DeviceStream> _streams = new(concurrencyLevel: 1, capacity: 1);
    private readonly Action<uint, int> _grantCredit;
    private readonly CacheOptions _cacheOptions;
    private readonly CacheMetrics? _cacheMetrics;
    private SessionRelay? _relay;
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
        NotificationForwarder notifications,
        CacheOptions cacheOptions,
        CacheMetrics? cacheMetrics)
    {
        _grantCredit = GrantCredit;
        _cacheOptions = cacheOptions;
        _cacheMetrics = cacheMetrics;
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
        _notifications.Start(_closing.Token);
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
            await _notifications.Completion;
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

    /// <summary>Whether the session takes no new requests (closing, closed or draining).</summary>
    public bool IsClosing => _closing.IsCancellationRequested || _draining;

    /// <summary>Whether the device's daemon relays upgrade (WebSocket) requests.</summary>
    public bool SupportsUpgrade { get; init; }

    /// <summary>This session's response cache and relay (the cache lives beside the socket; created on first use).</summary>
    public SessionRelay Relay => _relay ??= new SessionRelay(this, _cacheOptions, _time, _cacheMetrics);

    /// <summary>
    /// Sends a request to the device as a new stream and waits for its response head, the timeout or the end of the
    /// session. The body streams: with <paramref name="bufferLimit"/> above zero, a 200 response whose body fits (and
    /// arrives promptly) is read into memory, for the cache; any other body is handed over as it arrives.
    /// </summary>
    public async Task<RelayResponse> ExchangeAsync(RelayRequest request, long bufferLimit, bool upgrade, CancellationToken aborted)
    {
        if (IsClosing)
        {
            return RelayResponse.Failure(RelayError.DeviceOffline, "The device's session is closing.");
        }

        if (upgrade && !SupportsUpgrade)
        {
            return RelayResponse.Failure(RelayError.UpgradeNotSupported, "The device's daemon does not relay WebSocket or other upgrade requests (it announced no \"upgrade\" feature).");
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

        var body = request.HasBody && !upgrade ? request.BodyStream ?? new MemoryStream(request.Body, writable: false) : null;
        if (request.BodyStream is not null && body is not null)
        {
            // The first chunk is read before the device hears of the request: a body that is broken from its first
            // byte (a malformed chunk) never reaches the device; the client gets 400.
            var first = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Min(_settings.ChunkSize, 16 * 1024));
            try
            {
                var read = await body.ReadAsync(first, aborted);
                body = new PrefixedStream(first.AsSpan(0, read).ToArray(), body);
            }
            catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Http.BadHttpRequestException)
            {
                return RelayResponse.Failure(RelayError.BadClientBody, $"The request body could not be read: {ex.Message}");
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(first);
            }
        }

        var streamId = Interlocked.Increment(ref _nextStreamId);
        var stream = new DeviceStream(streamId, _settings.StreamWindow, _settings.MaxBodyBytes, _grantCredit);
        _streams[streamId] = stream;
        if (_closing.IsCancellationRequested)
        {
            // The session ended between the check above and the registration: nobody would fail this stream.
            _streams.TryRemove(streamId, out _);
            return RelayResponse.Failure(RelayError.DeviceOffline, "The device's session is closing.");
        }

        var handedOver = false;
        try
        {
            var flags = upgrade ? StreamFlags.Upgrade : request.HasBody ? StreamFlags.None : StreamFlags.EndStream;
            _sender.TrySend(OutboundFrame.CreateStream(FrameType.RequestHead, streamId, flags, head));
            if (body is not null)
            {
                var length = request.BodyStream is null ? request.Body.Length : request.BodyStreamLength;
                // Started inline, not on another thread: a body that is already here goes out with the head.
                _ = SendBodyAsync(stream, body, length);
            }

            var timeout = request.Timeout > TimeSpan.Zero && request.Timeout < _requestTimeout ? request.Timeout : _requestTimeout;
            HttpResponseHead? responseHead;
            try
            {
                responseHead = await stream.Head.WaitAsync(timeout, _time, aborted);
            }
            catch (TimeoutException)
            {
                _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, streamId, (uint)StreamResetCode.Timeout));
                Log.RequestTimedOut(_logger, DeviceId, streamId, timeout);
                return RelayResponse.Failure(RelayError.DeviceTimeout, $"The device did not answer within {timeout.TotalSeconds:0.###} s.");
            }

            if (responseHead is null)
            {
                return RelayResponse.Failure(stream.Failure.Error, stream.Failure.Message);
            }

            var headers = responseHead.Headers as KeyValuePair<string, string>[] ?? [.. responseHead.Headers];
            var response = new RelayResponse(responseHead.Status, responseHead.Reason, headers, [], RelayError.None, null) { Upgraded = stream.Upgraded };
            if (stream.Body is null)
            {
                return response;
            }

            if (bufferLimit > 0 && responseHead.Status == 200 && !upgrade && ResponseBuffering.Worthwhile(headers, bufferLimit))
            {
                var (buffered, complete) = await ResponseBuffering.ReadAsync(stream.Body, headers, bufferLimit, _time, aborted);
                if (complete)
                {
                    return response with { Body = buffered };
                }

                handedOver = true;
                return response with { BodyStream = new DeviceResponseBody(this, stream, buffered) };
            }

            handedOver = true;
            return response with { BodyStream = new DeviceResponseBody(this, stream, ReadOnlyMemory<byte>.Empty) };
        }
        catch (IOException ex)
        {
            // The body failed while it was being buffered: the session ended (503, as for any request the session
            // could not finish), or the device reset the stream (502).
            return RelayResponse.Failure(_closing.IsCancellationRequested ? RelayError.DeviceOffline : RelayError.BadDeviceResponse, ex.Message);
        }
        catch (BodyTooLargeException)
        {
            return RelayResponse.Failure(RelayError.ResponseTooLarge, $"The device's response exceeds the body limit of {_settings.MaxBodyBytes} bytes.");
        }
        finally
        {
            if (!handedOver)
            {
                EndStream(stream);
                stream.Body?.Dispose();
            }
        }
    }

    /// <summary>Ends a stream the relay is done with: a reset tells the device to stop unless it already sent its last frame.</summary>
    public void EndStream(DeviceStream stream)
    {
        if (_streams.TryRemove(stream.StreamId, out _) && !stream.Ended)
        {
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, stream.StreamId, (uint)StreamResetCode.Cancelled));
        }

        stream.SendWindow.Abort(new OperationCanceledException("The stream has ended."));
    }

    /// <summary>Sends bytes of an upgraded stream (the client's half of a tunnel) to the device, then its half-close.</summary>
    public Task<long> SendTunnelAsync(uint streamId, Stream source, CancellationToken cancellationToken) =>
        _streams.TryGetValue(streamId, out var stream)
            ? BodyPump.PumpAsync(source, streamId, _sender, stream.SendWindow, _settings.ChunkSize, long.MaxValue, cancellationToken)
            : Task.FromResult(0L);

    private async Task SendBodyAsync(DeviceStream stream, Stream body, long? declaredLength)
    {
        try
        {
            await BodyPump.PumpAsync(body, stream.StreamId, _sender, stream.SendWindow, _settings.ChunkSize, _settings.MaxBodyBytes, _closing.Token, declaredLength);
        }
        catch (BodyTooLargeException ex)
        {
            Log.RequestBodyTooLarge(_logger, DeviceId, stream.StreamId, ex.Limit);
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, stream.StreamId, (uint)StreamResetCode.BodyTooLarge));
            stream.Fail(RelayError.RequestTooLarge, $"The request body exceeds the limit of {ex.Limit} bytes.");
        }
        catch (Exception ex) when (ex is IOException or Microsoft.AspNetCore.Connections.ConnectionResetException or Microsoft.AspNetCore.Http.BadHttpRequestException)
        {
            // The client's body broke off (it went away, or sent a malformed chunk): the device must not take it as complete.
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, stream.StreamId, (uint)StreamResetCode.Cancelled));
            stream.Fail(RelayError.BadClientBody, $"The client's request body broke off: {ex.Message}");
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConnectionClosedException)
        {
            // The response arrived first and the stream ended, the request timed out or the connection closed.
        }
    }

    private void HandleFrame(in Frame frame)
    {
        _heartbeat.MarkReceived();
        switch (frame.Type)
        {
            case FrameType.ResponseHead:
                OnResponseHead(StreamFrame.Parse(frame.Payload, allowUpgrade: true));
                break;
            case FrameType.Data:
                OnData(StreamFrame.Parse(frame.Payload));
                break;
            case FrameType.Reset:
                var reset = StreamControl.Parse(frame.Payload);
                if (_streams.TryRemove(reset.StreamId, out var resetStream))
                {
                    resetStream.Fail(RelayError.BadDeviceResponse, $"The device reset the request ({(StreamResetCode)reset.Value}).");
                    resetStream.SendWindow.Abort(new OperationCanceledException("The device reset the stream."));
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
                _metrics.NotificationReceived();
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
        if (!_streams.TryGetValue(frame.StreamId, out var stream))
        {
            Log.LateFrameIgnored(_logger, DeviceId, frame.StreamId);
            return;
        }

        HttpResponseHead head;
        try
        {
            if (frame.IsInvalidUpgrade)
            {
                throw new ProtocolException(ProtocolErrorCode.MalformedPayload, "An upgraded response head cannot end the stream.");
            }

            head = HttpHeadSerializer.ParseResponse(frame.Content);
        }
        catch (ProtocolException ex)
        {
            // A bad head spoils one response, not the whole connection.
            stream.Fail(RelayError.BadDeviceResponse, $"The device sent an invalid response head: {ex.Message}");
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, frame.StreamId, (uint)StreamResetCode.ProtocolError));
            return;
        }

        stream.OnHead(head, frame.EndStream, (frame.Flags & StreamFlags.Upgrade) != 0);
    }

    private void OnData(StreamFrame frame)
    {
        if (!_streams.TryGetValue(frame.StreamId, out var stream))
        {
            Log.LateFrameIgnored(_logger, DeviceId, frame.StreamId);
            return;
        }

        if (!stream.OnData(frame.Content, frame.EndStream))
        {
            Log.ResponseTooLarge(_logger, DeviceId, frame.StreamId, _settings.MaxBodyBytes);
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, frame.StreamId, (uint)StreamResetCode.BodyTooLarge));
        }
    }

    private void GrantCredit(uint streamId, int consumed)
    {
        // Credit goes back only for streams still open: the device may not send on a finished one.
        if (consumed > 0 && _streams.TryGetValue(streamId, out var stream) && !stream.Ended)
        {
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.WindowUpdate, streamId, (uint)consumed));
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
        foreach (var stream in _streams.Values)
        {
            stream.Fail(error, message);
            stream.SendWindow.Abort(new OperationCanceledException(message));
        }

        // The cache lives with the session: give its bytes back to the edge-wide gauge.
        _relay?.Clear();
    }
}
