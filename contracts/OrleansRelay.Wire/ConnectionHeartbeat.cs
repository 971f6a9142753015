using System.Buffers;
using System.Buffers.Binary;

namespace OrleansRelay.Wire;

/// <summary>
/// Keeps a connection alive from one side: a ping every interval, and a call to <c>onSilent</c> when nothing at all
/// has been received for three intervals (any frame counts, not only pongs).
/// </summary>
public sealed class ConnectionHeartbeat
{
    private readonly TimeSpan _interval;
    private readonly FrameSender _sender;
    private readonly TimeProvider _time;
    private long _lastReceived;

    /// <summary>Creates the heartbeat; the connection counts as heard from now.</summary>
    public ConnectionHeartbeat(TimeSpan interval, FrameSender sender, TimeProvider time)
    {
        _interval = interval;
        _sender = sender;
        _time = time;
        _lastReceived = time.GetTimestamp();
    }

    /// <summary>Records that a frame arrived.</summary>
    public void MarkReceived() => Interlocked.Exchange(ref _lastReceived, _time.GetTimestamp());

    /// <summary>Pings until cancelled or until the peer has been silent too long, then calls <paramref name="onSilent"/> once.</summary>
    public async Task RunAsync(Action<TimeSpan> onSilent, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_interval, _time);
        var ping = new byte[ProtocolLimits.PingPayloadSize];
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var silent = _time.GetElapsedTime(Interlocked.Read(ref _lastReceived));
                if (silent > _interval * 3)
                {
                    onSilent(silent);
                    return;
                }

                BinaryPrimitives.WriteInt64BigEndian(ping, _time.GetTimestamp());
                _sender.TrySend(OutboundFrame.Create(FrameType.Ping, ping));
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Answers a ping with a pong carrying the same 8 bytes.</summary>
    /// <exception cref="ProtocolException">The ping payload is not 8 bytes.</exception>
    public static void AnswerPing(in Frame ping, FrameSender sender)
    {
        if (ping.Payload.Length != ProtocolLimits.PingPayloadSize)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, $"Ping payload must be {ProtocolLimits.PingPayloadSize} bytes.");
        }

        Span<byte> echo = stackalloc byte[ProtocolLimits.PingPayloadSize];
        ping.Payload.CopyTo(echo);
        sender.TrySend(OutboundFrame.Create(FrameType.Pong, echo));
    }
}
