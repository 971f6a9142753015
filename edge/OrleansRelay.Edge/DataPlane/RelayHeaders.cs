using Microsoft.AspNetCore.Http;
using OrleansRelay.Edge.Http;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>Which request headers travel to the device, from a client (the edge it called) or from a peer edge.</summary>
internal static class RelayHeaders
{
    /// <summary>Header carrying the data-plane key between edges; never passed on.</summary>
    public const string EdgeKey = "X-Relay-Edge-Key";

    /// <summary>Response header by which an owning edge says the route it was given is stale (it holds no session of that epoch).</summary>
    public const string RouteStatus = "X-Relay-Route";

    /// <summary>The client's end-to-end headers plus <c>X-Forwarded-For/Proto/Host</c>, without the relay's own credentials.</summary>
    public static KeyValuePair<string, string>[] FromClient(HttpContext context, bool upgrade)
    {
        var headers = new List<KeyValuePair<string, string>>(context.Request.Headers.Count + 3);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (IsRelayOnly(name) && !(upgrade && IsUpgrade(name)))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is not null)
                {
                    headers.Add(new(name, value));
                }
            }
        }

        AddForwarded(context, headers);
        return [.. headers];
    }

    /// <summary>
    /// A peer edge's forwarded request: the headers it computed for the client (including its <c>X-Forwarded-*</c>),
    /// without the connection's own.
    /// </summary>
    public static KeyValuePair<string, string>[] FromPeerEdge(HttpContext context, bool upgrade)
    {
        var headers = new List<KeyValuePair<string, string>>(context.Request.Headers.Count);
        foreach (var (name, values) in context.Request.Headers)
        {
            if ((HopByHopHeaders.Contains(name) && !(upgrade && IsUpgrade(name)))
                || name.Equals("Host", StringComparison.OrdinalIgnoreCase)
                || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                || name.Equals(EdgeKey, StringComparison.OrdinalIgnoreCase)
                || name.StartsWith(':'))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is not null)
                {
                    headers.Add(new(name, value));
                }
            }
        }

        return [.. headers];
    }

    /// <summary>Headers a client sends for the relay, not for the device.</summary>
    public static bool IsRelayOnly(string name) =>
        HopByHopHeaders.Contains(name)
        || name.Equals("Host", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals(AdminKeyFilter.HeaderName, StringComparison.OrdinalIgnoreCase)
        || name.Equals(EdgeKey, StringComparison.OrdinalIgnoreCase)
        || name.StartsWith("X-Forwarded-", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Forwarded", StringComparison.OrdinalIgnoreCase)
        || name.StartsWith(':');

    /// <summary>The <c>X-Forwarded-*</c> headers for the client of <paramref name="context"/>.</summary>
    public static void AddForwarded(HttpContext context, List<KeyValuePair<string, string>> headers)
    {
        if (context.Connection.RemoteIpAddress is { } ip)
        {
            headers.Add(new("X-Forwarded-For", ip.ToString()));
        }

        headers.Add(new("X-Forwarded-Proto", context.Request.Scheme));
        if (context.Request.Host.HasValue)
        {
            headers.Add(new("X-Forwarded-Host", context.Request.Host.Value));
        }
    }

    // "Connection: Upgrade" is implied by the upgrade flag on the wire; only the Upgrade header itself travels.
    private static bool IsUpgrade(string name) => name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase);
}
