using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Text;
using Microsoft.Extensions.Logging;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Device;

/// <summary>
/// One accepted connection to an edge: serves relayed requests concurrently (bounded), streams response bodies as
/// interleaved chunks, keeps the heartbeat, and ends when the edge goes away, breaks the protocol or goes silent.
/// The daemon always answers a request: a failing local service yields a 502 response, a slow one a 504.
/// </summary>
internal sealed partial class RelaySession
{
    private readonly PipeReader _input;
    private readonly FrameSender _sender;
    private readonly AcceptMessage _settings;
    private readonly IHttpRequestHandler _local;
    private readonly DeviceOptions _options;
    private readonly SemaphoreSlim _concurrency;
    private readonly ConnectionHeartbeat _heartbeat;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<uint, ActiveRequest> _requests = new();
    private readonly CancellationTokenSource _closing = new();

    public RelaySession(PipeReader input, FrameSender sender, AcceptMessage settings, IHttpRequestHandler local, DeviceOptions options, TimeProvider time, ILogger logger)
    {
        _input = input;
        _sender = sender;
        _settings = settings;
        _local = local;
        _options = options;
        _logger = logger;
        _concurrency = new SemaphoreSlim(options.MaxConcurrency);
        _heartbeat = new ConnectionHeartbeat(TimeSpan.FromSeconds(settings.HeartbeatSeconds), sender, time);
    }

    /// <summary>Why the session ended; a go-away from the edge sets it.</summary>
    public CloseMessage? GoAway { get; private set; }

    /// <summary>Runs until the connection ends. Returns the reason in words.</summary>
    public async Task<string> RunAsync(CancellationToken stopping)
    {
        using var stop = stopping.Register(() => Close(CloseCodes.Shutdown, "The device daemon is stopping."));
        var heartbeat = _heartbeat.RunAsync(
            silent => Close(CloseCodes.HeartbeatTimeout, $"Nothing received for {silent.TotalSeconds:0.#} s."),
            _closing.Token);
        string reason;
        try
        {
            await FrameReadLoop.RunAsync(_input, _settings.MaxFramePayload, HandleFrame, _closing.Token);
            reason = GoAway is { } goAway ? $"edge went away: {goAway.Code}: {goAway.Reason}" : "edge closed the connection";
        }
        catch (ProtocolException ex)
        {
            Log.ProtocolViolation(_logger, ex.Code, ex.Message);
            Close(CloseCodes.ProtocolError, ex.Message);
            reason = $"protocol error: {ex.Message}";
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            reason = GoAway is { } goAway ? $"edge went away: {goAway.Code}: {goAway.Reason}" : _closeReason ?? "closed";
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            reason = $"connection failed: {ex.Message}";
        }
        finally
        {
            _closing.Cancel();
            var closed = new ConnectionClosedException("The connection to the edge closed.");
            foreach (var request in _requests.Values)
            {
                request.Abort(closed);
            }
        }

        await heartbeat;
        return reason;
    }

    private string? _closeReason;

    /// <summary>Raised with the sequence number the edge acknowledged (everything up to it is recorded).</summary>
    public event Action<long>? NotificationsAcknowledged;

    /// <summary>Sends a notification; false when the connection is closing.</summary>
    public bool TrySendNotification(NotificationMessage notification) =>
        !_closing.IsCancellationRequested && _sender.TrySend(notification.ToFrame());

    /// <summary>Sends a cache invalidation; false when the connection is closing.</summary>
    public bool TrySendInvalidation(string[] paths) =>
        !_closing.IsCancellationRequested && _sender.TrySend(new CacheInvalidateMessage { Paths = paths }.ToFrame());

    private void Close(string code, string reason)
    {
        if (_closing.IsCancellationRequested)
        {
            return;
        }

        _closeReason = $"{code}: {reason}";
        _sender.TrySend(HandshakeJson.ToFrame(FrameType.GoAway, new CloseMessage { Code = code, Reason = reason }, WireJsonContext.Default.CloseMessage));
        _closing.Cancel();
    }

    private async Task CloseWhenIdleAsync(TimeSpan limit)
    {
        var started = DateTime.UtcNow;
        while (!_requests.IsEmpty && !_closing.IsCancellationRequested && DateTime.UtcNow - started < limit)
        {
            await Task.Delay(20);
        }

        _closing.Cancel();
    }

    private void HandleFrame(in Frame frame)
    {
        _heartbeat.MarkReceived();
        switch (frame.Type)
        {
            case FrameType.RequestHead:
                OnRequestHead(StreamFrame.Parse(frame.Payload, allowUpgrade: true));
                break;
            case FrameType.Data:
                var data = StreamFrame.Parse(frame.Payload);
                if (_requests.TryGetValue(data.StreamId, out var target) && target.Body is { } body)
                {
                    if (!body.Append(data.Content))
                    {
                        throw new ProtocolException(ProtocolErrorCode.FlowControlViolation, $"The edge overran the window of stream {data.StreamId}.");
                    }

                    if (data.EndStream)
                    {
                        body.Complete();
                    }
                }

                break;
            case FrameType.WindowUpdate:
                var update = StreamControl.Parse(frame.Payload);
                if (_requests.TryGetValue(update.StreamId, out var updated) && !updated.ResponseWindow.Grant(update.Value))
                {
                    throw new ProtocolException(ProtocolErrorCode.FlowControlViolation, $"Invalid window update of {update.Value} on stream {update.StreamId}.");
                }

                break;
            case FrameType.Reset:
                var reset = StreamControl.Parse(frame.Payload);
                if (_requests.TryGetValue(reset.StreamId, out var cancelled))
                {
                    Log.StreamReset(_logger, reset.StreamId, (StreamResetCode)reset.Value);
                    cancelled.Abort(new OperationCanceledException($"The edge reset stream {reset.StreamId}."));
                }

                break;
            case FrameType.Ping:
                ConnectionHeartbeat.AnswerPing(frame, _sender);
                break;
            case FrameType.Pong:
                break;
            case FrameType.NotificationAck:
                NotificationsAcknowledged?.Invoke(NotificationMessage.ParseAck(frame.Payload));
                break;
            case FrameType.GoAway:
                GoAway = HandshakeJson.Parse(frame.Payload, WireJsonContext.Default.CloseMessage);
                Log.GoAwayReceived(_logger, GoAway.Code, GoAway.Reason);
                // Finish what is in flight (the edge waits for it), then leave; the edge sends no new requests.
                _ = CloseWhenIdleAsync(TimeSpan.FromSeconds(15));
                break;
            default:
                throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"An edge may not send {frame.Type} frames after the handshake.");
        }
    }

    private void OnRequestHead(StreamFrame frame)
    {
        if (frame.IsInvalidUpgrade)
        {
            Log.BadRequestHead(_logger, frame.StreamId, "an upgrade head must not end the stream");
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, frame.StreamId, (uint)StreamResetCode.ProtocolError));
            return;
        }

        HttpRequestHead head;
        try
        {
            head = HttpHeadSerializer.ParseRequest(frame.Content);
            if (frame.Upgrade && head.Headers.Count(h => h.Key.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)) != 1)
            {
                throw new ProtocolException(ProtocolErrorCode.InvalidHttpHead, "An upgrade head must carry exactly one Upgrade header.");
            }
        }
        catch (ProtocolException ex)
        {
            Log.BadRequestHead(_logger, frame.StreamId, ex.Message);
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, frame.StreamId, (uint)StreamResetCode.ProtocolError));
            return;
        }

        // An upgrade head never ends the stream, so it always gets an inbound stream: the tunnel's edge-to-device half.
        InboundBodyStream? body = null;
        if (!frame.EndStream)
        {
            var streamId = frame.StreamId;
            body = new InboundBodyStream(
                _settings.StreamWindow,
                consumed => _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.WindowUpdate, streamId, (uint)consumed)));
        }

        var request = new ActiveRequest(frame.StreamId, body, _settings.StreamWindow, _closing.Token);
        if (!_requests.TryAdd(frame.StreamId, request))
        {
            request.Dispose();
            throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"Stream {frame.StreamId} is already open.");
        }

        _ = ServeAsync(request, head, frame.Upgrade);
    }

    private async Task ServeAsync(ActiveRequest request, HttpRequestHead head, bool upgrade)
    {
        var cancel = request.Cancellation.Token;
        LocalUpgrade? tunnel = null;
        try
        {
            await _concurrency.WaitAsync(cancel);
            try
            {
                // The timeout covers the wait for the answer; a body or an upgraded tunnel has no time limit.
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(_options.RequestTimeout);
                try
                {
                    if (upgrade)
                    {
                        tunnel = await SendUpgradeAsync(request, head, timeout.Token);
                    }
                    else
                    {
                        using var response = await _local.SendAsync(head, request.Body, timeout.Token);

                        // The timeout covers the wait for the service's answer, not its body: a long-lived response
                        // (an event stream, a camera) streams for as long as the edge keeps the stream open.
                        timeout.CancelAfter(Timeout.InfiniteTimeSpan);
                        await RelayResponseAsync(request, head, response, timeout.Token);
                    }
                }
                catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancel.IsCancellationRequested)
                {
                    Log.LocalTimeout(_logger, head.Method, head.Target, _options.RequestTimeout);
                    Fail(request, 504, $"The device's service did not answer within {_options.RequestTimeout.TotalSeconds:0.#} s.");
                }
            }
            finally
            {
                // A tunnel does not hold a slot: it may stay open for hours.
                _concurrency.Release();
            }

            if (tunnel is not null)
            {
                await TunnelAsync(request, head, tunnel, cancel);
            }
        }
        catch (HttpRequestException ex)
        {
            Log.LocalFailed(_logger, head.Method, head.Target, ex.Message);
            Fail(request, 502, $"The device's service failed: {ex.Message}");
        }
        catch (BodyTooLargeException ex)
        {
            Log.ResponseTooLarge(_logger, head.Method, head.Target, ex.Limit);
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, request.StreamId, (uint)StreamResetCode.BodyTooLarge));
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConnectionClosedException)
        {
            // Reset by the edge or the session ended: nobody is waiting for an answer any more.
            Log.StreamAbandoned(_logger, request.StreamId, head.Method, head.Target, ex.Message);
        }
        catch (IOException ex)
        {
            Log.LocalFailed(_logger, head.Method, head.Target, ex.Message);
            Fail(request, 502, $"The device's service failed: {ex.Message}");
        }
        finally
        {
            _requests.TryRemove(request.StreamId, out _);
            tunnel?.Dispose();
            request.Dispose();
        }
    }

    /// <summary>Relays a response as it is: the head (without <see cref="StreamFlags.Upgrade"/>), then the body.</summary>
    private async Task RelayResponseAsync(ActiveRequest request, HttpRequestHead head, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var responseHead = LocalForwarder.ToResponseHead(response);
        var noBody = head.Method.Equals("HEAD", StringComparison.OrdinalIgnoreCase) || responseHead.Status is 204 or 304;
        var sent = SendHead(request.StreamId, responseHead, noBody ? StreamFlags.EndStream : StreamFlags.None);
        request.HeadSent = true;
        if (!noBody && sent)
        {
            await using var content = await response.Content.ReadAsStreamAsync(cancellationToken);
            await BodyPump.PumpAsync(
                content, request.StreamId, _sender, request.ResponseWindow, _settings.ChunkSize, _settings.MaxBodyBytes, cancellationToken, response.Content.Headers.ContentLength);
        }
    }

    /// <summary>
    /// Sends a response head; false when the local service's head could not be relayed and a 502 (which ends the
    /// stream) went instead.
    /// </summary>
    private bool SendHead(uint streamId, HttpResponseHead head, StreamFlags flags)
    {
        byte[] bytes;
        try
        {
            bytes = HttpHeadSerializer.WriteResponse(head);
        }
        catch (ProtocolException ex)
        {
            // The local service produced a header that cannot be relayed safely.
            Log.UnrelayableResponse(_logger, streamId, ex.Message);
            _sender.TrySend(OutboundFrame.CreateStream(FrameType.ResponseHead, streamId, StreamFlags.EndStream, HttpHeadSerializer.WriteResponse(ErrorHead(502, 0))));
            return false;
        }

        _sender.TrySend(OutboundFrame.CreateStream(FrameType.ResponseHead, streamId, flags, bytes));
        return true;
    }

    private void Fail(ActiveRequest request, int status, string message)
    {
        if (request.HeadSent)
        {
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.Reset, request.StreamId, (uint)StreamResetCode.LocalServiceFailed));
            return;
        }

        var body = Encoding.UTF8.GetBytes(ErrorBody.Json(status, message));
        var head = HttpHeadSerializer.WriteResponse(ErrorHead(status, body.Length));
        _sender.TrySend(OutboundFrame.CreateStream(FrameType.ResponseHead, request.StreamId, StreamFlags.None, head));
        _sender.TrySend(OutboundFrame.CreateStream(FrameType.Data, request.StreamId, StreamFlags.EndStream, body));
    }

    private static HttpResponseHead ErrorHead(int status, int length) => new(
        status,
        status switch { 501 => "Not Implemented", 504 => "Gateway Timeout", _ => "Bad Gateway" },
        [new("Content-Type", "application/json"), new("Content-Length", length.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
}
