using OrleansRelay.Edge.Hosting;
using OrleansRelay.Wire.Handshake;

namespace OrleansRelay.Edge.Connections;

/// <summary>The settings of one device session, as sent to the device in the accept frame.</summary>
internal sealed record DeviceSessionSettings(
    TimeSpan Heartbeat,
    int MaxFramePayload,
    int ChunkSize,
    int StreamWindow,
    long MaxBodyBytes)
{
    public static DeviceSessionSettings From(EdgeOptions options) => new(
        options.HeartbeatInterval,
        options.MaxFramePayload,
        options.ChunkSize,
        options.StreamWindow,
        options.MaxBodyBytes);

    public AcceptMessage ToAccept(long epoch) => new()
    {
        Epoch = epoch,
        HeartbeatSeconds = (int)Math.Max(1, Math.Ceiling(Heartbeat.TotalSeconds)),
        MaxFramePayload = MaxFramePayload,
        ChunkSize = ChunkSize,
        StreamWindow = StreamWindow,
        MaxBodyBytes = MaxBodyBytes,
    };
}
