using System.Net;
using System.Net.Sockets;

namespace OrleansRelay.Silo.Webhooks;

/// <summary>
/// Which addresses a webhook may reach: public unicast ones only, unless <see cref="WebhookOptions.AllowPrivateTargets"/>.
/// Checked on the addresses a host name resolves to, both when the webhook is registered and on every connection (so
/// a name that later resolves to an internal address is refused too).
/// </summary>
internal static class WebhookTargetPolicy
{
    /// <summary>Longest webhook URL accepted.</summary>
    public const int MaxUrlLength = 2000;

    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.Broadcast))
        {
            return false;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            Span<byte> b = stackalloc byte[4];
            address.TryWriteBytes(b, out _);
            return !(b[0] == 0 || b[0] == 10 || b[0] == 127
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127)   // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254)                 // link-local (cloud metadata services)
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31)
                || (b[0] == 192 && b[1] == 168)
                || b[0] >= 224);                                // multicast, reserved
        }

        return !(address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6UniqueLocal || address.IsIPv6Multicast);
    }

    /// <summary>Why <paramref name="url"/> cannot be a webhook endpoint by its form alone, or null.</summary>
    public static string? CheckForm(string? url, out Uri? uri)
    {
        uri = null;
        if (string.IsNullOrWhiteSpace(url) || url.Length > MaxUrlLength || !Uri.TryCreate(url, UriKind.Absolute, out var parsed))
        {
            return $"url must be an absolute http or https URL of at most {MaxUrlLength} characters.";
        }

        if (parsed.Scheme != Uri.UriSchemeHttps && parsed.Scheme != Uri.UriSchemeHttp)
        {
            return "url must use http or https.";
        }

        if (parsed.UserInfo.Length > 0)
        {
            return "url must not carry credentials.";
        }

        uri = parsed;
        return null;
    }

    /// <summary>The addresses of <paramref name="host"/> a webhook may connect to (empty: none is allowed).</summary>
    public static async Task<IPAddress[]> AllowedAddressesAsync(string host, bool allowPrivate, CancellationToken cancellationToken)
    {
        var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        return allowPrivate ? addresses : [.. addresses.Where(IsPublic)];
    }
}
