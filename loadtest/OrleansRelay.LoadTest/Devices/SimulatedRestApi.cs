using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.LoadTest.Devices;

/// <summary>
/// A device's REST API answered in-process, straight onto its connection: no HTTP server, no socket per device.
/// Small answers go out as a head and one <c>END_STREAM</c> data frame; bodies larger than a chunk or the stream
/// window go through <see cref="BodyPump"/> with its flow control. Request bodies are consumed and their window
/// credit returned as they arrive. Called from the connection's read loop (one frame at a time).
/// </summary>
internal sealed class SimulatedRestApi
{
    private static readonly byte[] CommandAccepted = Encoding.ASCII.GetBytes("{\"accepted\":true}");
    private static readonly byte[] NotFound = Encoding.ASCII.GetBytes("{\"error\":404,\"message\":\"No such resource.\"}");

    private readonly DeviceProfile _profile;
    private readonly DeviceApiOptions _options;
    private readonly FrameSender _sender;
    private readonly AcceptMessage _settings;
    private readonly CancellationTokenSource _aborted = new();
    private Dictionary<uint, string>? _receiving;
    private ConcurrentDictionary<uint, SendWindow>? _pumping;

    public SimulatedRestApi(DeviceProfile profile, DeviceApiOptions options, FrameSender sender, AcceptMessage settings)
    {
        _profile = profile;
        _options = options;
        _sender = sender;
        _settings = settings;
    }

    public void Handle(in Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.RequestHead:
                OnRequestHead(StreamFrame.Parse(frame.Payload));
                break;
            case FrameType.Data:
                OnData(StreamFrame.Parse(frame.Payload));
                break;
            case FrameType.WindowUpdate:
                var update = StreamControl.Parse(frame.Payload);
                if (_pumping is not null && _pumping.TryGetValue(update.StreamId, out var window))
                {
                    window.Grant(update.Value);
                }

                break;
            case FrameType.Reset:
                var reset = StreamControl.Parse(frame.Payload);
                _receiving?.Remove(reset.StreamId);
                if (_pumping is not null && _pumping.TryRemove(reset.StreamId, out var cancelled))
                {
                    cancelled.Abort(new OperationCanceledException("The edge reset the stream."));
                }

                break;
            default:
                throw new ProtocolException(ProtocolErrorCode.UnexpectedFrame, $"An edge may not send {frame.Type} frames after the handshake.");
        }
    }

    /// <summary>The connection ended: stop every answer in progress.</summary>
    public void Abort() => _aborted.Cancel();

    private void OnRequestHead(StreamFrame frame)
    {
        var head = HttpHeadSerializer.ParseRequest(frame.Content);
        if (frame.EndStream)
        {
            Answer(frame.StreamId, head.Method, head.Target);
            return;
        }

        (_receiving ??= [])[frame.StreamId] = head.Method + " " + head.Target;
    }

    private void OnData(StreamFrame frame)
    {
        if (_receiving is null || !_receiving.TryGetValue(frame.StreamId, out var request))
        {
            return;
        }

        if (frame.Content.Length > 0)
        {
            _sender.TrySend(OutboundFrame.CreateStreamControl(FrameType.WindowUpdate, frame.StreamId, (uint)frame.Content.Length));
        }

        if (frame.EndStream)
        {
            _receiving.Remove(frame.StreamId);
            var space = request.IndexOf(' ', StringComparison.Ordinal);
            Answer(frame.StreamId, request[..space], request[(space + 1)..]);
        }
    }

    private void Answer(uint streamId, string method, string target)
    {
        if (_options.ServiceTime > TimeSpan.Zero)
        {
            _ = AnswerLaterAsync(streamId, method, target);
            return;
        }

        Respond(streamId, method, target);
    }

    private async Task AnswerLaterAsync(uint streamId, string method, string target)
    {
        try
        {
            await Task.Delay(_options.ServiceTime, _aborted.Token);
            Respond(streamId, method, target);
        }
        catch (OperationCanceledException)
        {
            // The connection ended while the device was "working".
        }
    }

    private void Respond(uint streamId, string method, string target)
    {
        var path = target.AsSpan();
        var query = path.IndexOf('?');
        if (query >= 0)
        {
            path = path[..query];
        }

        if (method == "GET" && path.SequenceEqual(DeviceResource.Profile))
        {
            Send(streamId, 200, "max-age=300", new SizedBody(_profile.Document, 0));
        }
        else if (method == "GET" && path.SequenceEqual(DeviceResource.Status))
        {
            Send(streamId, 200, "max-age=60", new SizedBody(_profile.Document, _options.ResponseBytes));
        }
        else if (method == "GET" && path.SequenceEqual(DeviceResource.Readings))
        {
            Send(streamId, 200, "no-store", new SizedBody(_profile.Document, _options.ResponseBytes));
        }
        else if (method == "POST" && path.StartsWith("/zones/", StringComparison.Ordinal))
        {
            SendSmall(streamId, 200, "OK", CommandAccepted);
        }
        else
        {
            SendSmall(streamId, 404, "Not Found", NotFound);
        }
    }

    private void SendSmall(uint streamId, int status, string reason, byte[] body)
    {
        SendHead(streamId, status, reason, null, body.Length);
        _sender.TrySend(OutboundFrame.CreateStream(FrameType.Data, streamId, StreamFlags.EndStream, body));
    }

    private void Send(uint streamId, int status, string cacheControl, SizedBody body)
    {
        SendHead(streamId, status, "OK", cacheControl, body.Length);
        if (body.Length <= _settings.ChunkSize && body.Length <= _settings.StreamWindow)
        {
            var frame = OutboundFrame.RentData(FrameType.Data, body.Length);
            body.CopyTo(0, frame.ContentMemory.Span[..body.Length]);
            frame.CompleteData(streamId, StreamFlags.EndStream, body.Length);
            _sender.TrySend(frame);
            return;
        }

        _ = PumpAsync(streamId, body);
    }

    private async Task PumpAsync(uint streamId, SizedBody body)
    {
        var window = new SendWindow(_settings.StreamWindow);
        (_pumping ??= new ConcurrentDictionary<uint, SendWindow>())[streamId] = window;
        try
        {
            using var source = new SizedBodyStream(body);
            await BodyPump.PumpAsync(source, streamId, _sender, window, _settings.ChunkSize, _settings.MaxBodyBytes, _aborted.Token);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ConnectionClosedException or BodyTooLargeException)
        {
            // Reset by the edge, connection gone, or a response size beyond the edge's limit (the edge answers 502).
        }
        finally
        {
            _pumping.TryRemove(streamId, out _);
        }
    }

    private void SendHead(uint streamId, int status, string reason, string? cacheControl, int length)
    {
        List<KeyValuePair<string, string>> headers =
        [
            new("Content-Type", "application/json"),
            new("Content-Length", length.ToString(CultureInfo.InvariantCulture)),
        ];
        if (cacheControl is not null)
        {
            headers.Add(new("Cache-Control", cacheControl));
        }

        var head = HttpHeadSerializer.WriteResponse(new HttpResponseHead(status, reason, headers));
        _sender.TrySend(OutboundFrame.CreateStream(FrameType.ResponseHead, streamId, StreamFlags.None, head));
    }
}
