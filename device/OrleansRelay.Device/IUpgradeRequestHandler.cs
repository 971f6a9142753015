using OrleansRelay.Wire;

namespace OrleansRelay.Device;

/// <summary>
/// A request handler that can also relay HTTP/1.1 upgrades (WebSocket). The daemon announces
/// <see cref="Wire.Handshake.HelloFeatures.Upgrade"/> only when its handler implements this; otherwise it answers an
/// upgrade head with 501.
/// </summary>
internal interface IUpgradeRequestHandler
{
    /// <summary>
    /// Sends <paramref name="head"/> (which carries the client's <c>Upgrade</c> header) to the service as an upgrade
    /// request without a body. Returns once the response head has arrived: on 101 the response's content is the
    /// upgraded connection, readable and writable.
    /// </summary>
    /// <exception cref="HttpRequestException">The service could not be reached or failed before its head.</exception>
    Task<LocalUpgrade> SendUpgradeAsync(HttpRequestHead head, CancellationToken cancellationToken);
}
