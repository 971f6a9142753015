using System.Net;
using OrleansRelay.Wire;

namespace OrleansRelay.Device;

/// <summary>HTTP/1.1 upgrades (WebSocket): the request, the 101 head, then an opaque byte tunnel in both directions.</summary>
internal sealed partial class RelaySession
{
    /// <summary>
    /// Sends an upgrade request to the local service. Returns the upgraded connection on 101; any other answer is
    /// relayed here as a normal response (null returned), so the client sees the service's 400 or 404.
    /// </summary>
    private async Task<LocalUpgrade?> SendUpgradeAsync(ActiveRequest request, HttpRequestHead head, CancellationToken cancellationToken)
    {
        if (_local is not IUpgradeRequestHandler upgrader)
        {
            // Not announced in the hello, so an edge should never ask; answer it all the same.
            Log.UpgradeNotSupported(_logger, head.Method, head.Target);
            Fail(request, 501, "This device does not relay upgrade requests.");
            return null;
        }

        var upgrade = await upgrader.SendUpgradeAsync(head, cancellationToken);
        if (upgrade.Response.StatusCode == HttpStatusCode.SwitchingProtocols)
        {
            return upgrade;
        }

        using (upgrade)
        {
            await RelayResponseAsync(request, head, upgrade.Response, cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// Sends the 101 head with <see cref="StreamFlags.Upgrade"/>, then copies bytes both ways until both halves ended
    /// (END_STREAM from the edge, end of the local connection's read side) or either side failed or reset.
    /// </summary>
    private async Task TunnelAsync(ActiveRequest request, HttpRequestHead head, LocalUpgrade upgrade, CancellationToken cancel)
    {
        var local = await upgrade.Response.Content.ReadAsStreamAsync(cancel);
        if (!SendHead(request.StreamId, LocalForwarder.ToUpgradeResponseHead(upgrade.Response), StreamFlags.Upgrade))
        {
            return;
        }

        request.HeadSent = true;
        Log.Upgraded(_logger, request.StreamId, head.Target);
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var toEdge = BodyPump.PumpAsync(local, request.StreamId, _sender, request.ResponseWindow, _settings.ChunkSize, long.MaxValue, failed.Token);
        var toLocal = CopyToLocalAsync(request.Body!, local, upgrade, failed.Token);
        var first = await Task.WhenAny(toEdge, toLocal);
        if (!first.IsCompletedSuccessfully)
        {
            // One half failed: stop the other and close the local connection, then report the first failure.
            await failed.CancelAsync();
            upgrade.Dispose();
            await Task.WhenAll(toEdge, toLocal).ContinueWith(static _ => { }, TaskScheduler.Default);
        }

        await first;
        await (first == toEdge ? toLocal : toEdge);
        Log.TunnelClosed(_logger, request.StreamId);
    }

    /// <summary>The edge's half: its Data frames go to the local connection; its END_STREAM half-closes it.</summary>
    private async Task CopyToLocalAsync(InboundBodyStream fromEdge, Stream local, LocalUpgrade upgrade, CancellationToken cancellationToken)
    {
        // Credit goes back to the edge as each chunk is taken for writing (InboundBodyStream), so the edge is never
        // more than one window ahead of the local connection.
        await fromEdge.CopyToAsync(local, _settings.ChunkSize, cancellationToken);
        if (!upgrade.TryShutdownWrite())
        {
            Log.HalfCloseUnavailable(_logger);
        }
    }
}
