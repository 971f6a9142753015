using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace OrleansRelay.Silo.Webhooks;

/// <summary>
/// The webhook client's connect step: resolves the host itself and connects only to addresses the target policy
/// allows, so the check and the connection use the same addresses (no DNS rebinding between the two).
/// </summary>
internal sealed class WebhookConnector
{
    private readonly IOptionsMonitor<WebhookOptions> _options;

    public WebhookConnector(IOptionsMonitor<WebhookOptions> options)
    {
        _options = options;
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host;
        var allowed = await WebhookTargetPolicy.AllowedAddressesAsync(host, _options.CurrentValue.AllowPrivateTargets, cancellationToken);
        if (allowed.Length == 0)
        {
            throw new WebhookTargetRefusedException(host);
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
