using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Edge.Http;

/// <summary>
/// Which of a device's response headers the edge passes to the client. Every device answers on the edge's own origin,
/// so a header that acts on the origin rather than on the one response would let one device act for the edge: set
/// cookies that the dashboard and every other device then receive, open the origin to other sites' scripts (CORS),
/// pin it to HTTPS or another service, or clear its storage (signed-in tokens).
/// </summary>
internal static class DeviceResponseHeaders
{
    /// <summary>The policy that keeps a device's page out of the edge's origin (scripts run, but in an opaque origin).</summary>
    public const string Sandbox = "sandbox allow-scripts allow-forms allow-popups allow-downloads";

    private static readonly HashSet<string> OriginWide = new(StringComparer.OrdinalIgnoreCase)
    {
        "Strict-Transport-Security", "Clear-Site-Data", "Alt-Svc", "Public-Key-Pins", "Public-Key-Pins-Report-Only",
    };

    /// <summary>Whether the header named <paramref name="name"/> with <paramref name="value"/> is relayed to the client.</summary>
    public static bool IsRelayed(string name, string value, EdgeOptions options)
    {
        if (HopByHopHeaders.Contains(name) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || OriginWide.Contains(name))
        {
            return false;
        }

        if (name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) || name.Equals("Set-Cookie2", StringComparison.OrdinalIgnoreCase))
        {
            return options.PassDeviceCookies;
        }

        if (name.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase))
        {
            return options.PassDeviceCorsHeaders;
        }

        // The wire allows UTF-8 in values; Kestrel refuses non-ASCII response headers (and would fail the response).
        return System.Text.Ascii.IsValid(value);
    }

    /// <summary>Adds the sandbox policy (on top of any policy of the device's: browsers enforce both) unless turned off.</summary>
    public static void AddSandbox(IHeaderDictionary headers, EdgeOptions options)
    {
        if (!options.SandboxDeviceContent)
        {
            return;
        }

        headers.Append(HeaderNames.ContentSecurityPolicy, Sandbox);
        headers.XContentTypeOptions = "nosniff";
    }
}
