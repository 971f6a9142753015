using OrleansRelay.Wire;

namespace OrleansRelay.Device;

/// <summary>
/// A relayed request the daemon is serving: its incoming body, its response send window and its cancellation. For an
/// upgraded stream the body and the window are the two halves of the tunnel.
/// </summary>
internal sealed class ActiveRequest : IDisposable
{
    public ActiveRequest(uint streamId, InboundBodyStream? body, int window, CancellationToken sessionClosing)
    {
        StreamId = streamId;
        Body = body;
        ResponseWindow = new SendWindow(window);
        Cancellation = CancellationTokenSource.CreateLinkedTokenSource(sessionClosing);
    }

    public uint StreamId { get; }

    public InboundBodyStream? Body { get; }

    public SendWindow ResponseWindow { get; }

    public CancellationTokenSource Cancellation { get; }

    /// <summary>A response head went to the edge: a later failure can only reset the stream.</summary>
    public bool HeadSent { get; set; }

    /// <summary>The edge reset the stream or the session ended: stop working on it.</summary>
    public void Abort(Exception reason)
    {
        Body?.Fail(reason);
        ResponseWindow.Abort(reason);
        try
        {
            Cancellation.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The request finished (and was disposed) while the reset was on its way: nothing left to stop.
        }
    }

    public void Dispose()
    {
        Body?.Dispose();
        Cancellation.Dispose();
    }
}
