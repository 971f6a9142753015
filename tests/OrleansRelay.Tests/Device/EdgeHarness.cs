using System.Collections.Concurrent;
using System.IO.Pipelines;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRelay.Device;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Tests.Device;

/// <summary>
/// Plays the edge for a real <see cref="RelaySession"/> over an in-memory pipe pair (the handshake is skipped: the
/// session starts with <see cref="Settings"/> as if accepted). Opens streams, sends frames, and routes the daemon's
/// frames to per-stream <see cref="EdgeStream"/>s.
/// </summary>
internal sealed class EdgeHarness : IAsyncDisposable
{
    /// <summary>Small chunks and window so a large message crosses many window updates; a body limit below the tunnel's traffic.</summary>
    public static readonly AcceptMessage Settings = new()
    {
        Epoch = 1,
        HeartbeatSeconds = 600,
        MaxFramePayload = 1024 * 1024,
        ChunkSize = 16 * 1024,
        StreamWindow = 64 * 1024,
        MaxBodyBytes = 1024 * 1024,
    };

    private readonly Pipe _toDevice = new();
    private readonly Pipe _toEdge = new();
    private readonly FrameSender _edge;
    private readonly FrameSender _device;
    private readonly ConcurrentDictionary<uint, EdgeStream> _streams = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<string> _session;
    private readonly Task _edgeWriter;
    private readonly Task _deviceWriter;
    private readonly Task _edgeReader;
    private uint _lastStream;

    public EdgeHarness(IHttpRequestHandler handler)
    {
        _edge = new FrameSender(_toDevice.Writer);
        _device = new FrameSender(_toEdge.Writer);
        var options = new DeviceOptions { Servers = [], DeviceId = "ws-1", Secret = "unused", RequestTimeout = TimeSpan.FromSeconds(10) };
        var session = new RelaySession(_toDevice.Reader, _device, Settings, handler, options, TimeProvider.System, NullLogger.Instance);
        _edgeWriter = _edge.RunAsync(CancellationToken.None);
        _deviceWriter = _device.RunAsync(CancellationToken.None);
        _session = session.RunAsync(_stop.Token);
        _edgeReader = Task.Run(() => FrameReadLoop.RunAsync(_toEdge.Reader, Settings.MaxFramePayload, OnFrame, CancellationToken.None));
    }

    /// <summary>Opens a stream with <paramref name="head"/> and the given flags.</summary>
    public EdgeStream Open(HttpRequestHead head, StreamFlags flags)
    {
        var stream = new EdgeStream(Interlocked.Increment(ref _lastStream), _edge, Settings.ChunkSize, Settings.StreamWindow);
        _streams[stream.Id] = stream;
        _edge.TrySend(OutboundFrame.CreateStream(FrameType.RequestHead, stream.Id, flags, HttpHeadSerializer.WriteRequest(head)));
        return stream;
    }

    /// <summary>Sends a frame as it is, for frames a well-behaved edge would not send.</summary>
    public void SendRaw(OutboundFrame frame) => _edge.TrySend(frame);

    /// <summary>Why the session ended, once it has (the daemon closed the connection).</summary>
    public Task<string> SessionEnded => _session;

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _session.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        _device.Complete();
        _edge.Complete();
        await Task.WhenAll(_deviceWriter, _edgeWriter).WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        await _toEdge.Writer.CompleteAsync();
        await _toDevice.Writer.CompleteAsync();
        await _edgeReader.WaitAsync(TimeSpan.FromSeconds(20), CancellationToken.None);
        _stop.Dispose();
    }

    private void OnFrame(in Frame frame)
    {
        switch (frame.Type)
        {
            case FrameType.ResponseHead:
                var head = StreamFrame.Parse(frame.Payload, allowUpgrade: true);
                Stream(head.StreamId).Head.TrySetResult((head.Flags, HttpHeadSerializer.ParseResponse(head.Content)));
                break;
            case FrameType.Data:
                var data = StreamFrame.Parse(frame.Payload, allowUpgrade: false);
                Stream(data.StreamId).OnData(data.Content, data.EndStream);
                break;
            case FrameType.WindowUpdate:
                var update = StreamControl.Parse(frame.Payload);
                Stream(update.StreamId).SendWindow.Grant(update.Value);
                break;
            case FrameType.Reset:
                var reset = StreamControl.Parse(frame.Payload);
                Stream(reset.StreamId).OnReset((StreamResetCode)reset.Value);
                break;
            default:
                // Pings (heartbeat is 600 s), go-away on close: not part of these tests.
                break;
        }
    }

    private EdgeStream Stream(uint id) =>
        _streams.TryGetValue(id, out var stream) ? stream : throw new InvalidOperationException($"The daemon sent a frame for unknown stream {id}.");
}
