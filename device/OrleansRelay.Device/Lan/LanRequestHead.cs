using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using OrleansRelay.Wire;

namespace OrleansRelay.Device.Lan;

/// <summary>
/// The head a LAN request is handed on with: method, the request target exactly as sent, and its headers less the
/// framing ones Kestrel has dealt with (the body is buffered, so its length is known again). Hop-by-hop headers are
/// dropped by the handler (<see cref="LocalForwarder"/>), as for relayed requests.
/// </summary>
internal static class LanRequestHead
{
    private static readonly HashSet<string> Framing = new(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Length", "Transfer-Encoding", "Expect",
    };

    public static HttpRequestHead From(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw
            ? raw
            : request.PathBase + request.Path + request.QueryString;
        var headers = new List<KeyValuePair<string, string>>(request.Headers.Count);
        foreach (var (name, values) in request.Headers)
        {
            if (Framing.Contains(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                headers.Add(new(name, value ?? string.Empty));
            }
        }

        return new HttpRequestHead(request.Method, target, headers);
    }

    /// <summary>The target's path, without the query: what a write invalidates in the cloud cache.</summary>
    public static string PathOf(HttpRequestHead head) => head.Target.Split('?', 2)[0];

    public static bool IsWrite(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);
}
