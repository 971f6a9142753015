using Microsoft.AspNetCore.Http;
using Yarp.ReverseProxy.Forwarder;

namespace OrleansRelay.Edge.DataPlane;

/// <summary>
/// Shapes a client's request for the owning edge's data plane (its target, the headers the device gets, the edge key)
/// and notices the owning edge's "stale route" answer, which is not passed to the client.
/// </summary>
internal sealed class PeerEdgeTransformer : HttpTransformer
{
    private static readonly string[] NotForwarded = ["Authorization", "X-Admin-Key", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Prefix", "Forwarded", RelayHeaders.EdgeKey];

    private readonly string _dataPlaneTarget;
    private readonly string _edgeKey;

    public PeerEdgeTransformer(string dataPlaneTarget, string edgeKey)
    {
        _dataPlaneTarget = dataPlaneTarget;
        _edgeKey = edgeKey;
    }

    /// <summary>Whether the owning edge answered that the route was stale (nothing was written to the client).</summary>
    public bool Stale { get; private set; }

    public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
    {
        await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
        foreach (var name in NotForwarded)
        {
            proxyRequest.Headers.Remove(name);
        }

        var forwarded = new List<KeyValuePair<string, string>>(3);
        RelayHeaders.AddForwarded(httpContext, forwarded);
        foreach (var (name, value) in forwarded)
        {
            proxyRequest.Headers.TryAddWithoutValidation(name, value);
        }

        proxyRequest.Headers.TryAddWithoutValidation(RelayHeaders.EdgeKey, _edgeKey);
        proxyRequest.Headers.Host = null;
        proxyRequest.RequestUri = new Uri(destinationPrefix + _dataPlaneTarget, UriKind.Absolute);
    }

    public override ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        if (proxyResponse is not null && proxyResponse.Headers.TryGetValues(RelayHeaders.RouteStatus, out var values) && values.Contains("stale"))
        {
            Stale = true;
            return ValueTask.FromResult(false);
        }

        return CopyHeadAsync(httpContext, proxyResponse, cancellationToken);
    }

    private async ValueTask<bool> CopyHeadAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
    {
        var proxyBody = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
        if (proxyBody && proxyResponse?.Content.Headers.ContentLength is null && proxyResponse?.StatusCode != System.Net.HttpStatusCode.SwitchingProtocols)
        {
            // A body of unknown length may be a long-lived stream: its client sees the response start at once, not
            // with the first chunk (which may be minutes away).
            await httpContext.Response.StartAsync(cancellationToken);
            await httpContext.Response.Body.FlushAsync(cancellationToken);
        }

        return proxyBody;
    }
}
