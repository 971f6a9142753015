using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace OrleansRelay.Device.Lan;

/// <summary>
/// Copies the handler's response to a LAN client: status, reason and end-to-end headers (hop-by-hop dropped, as
/// relayed), then the body streamed; Kestrel sends it length-delimited when the service gave a length, else chunked.
/// </summary>
internal static class LanResponseWriter
{
    private const int CopyBufferSize = 16 * 1024;

    /// <summary>Writes the status and headers; throws <see cref="InvalidOperationException"/> for a head Kestrel refuses.</summary>
    public static async Task WriteHeadAsync(HttpContext context, HttpResponseMessage response)
    {
        var head = LocalForwarder.ToResponseHead(response);
        var output = context.Response;
        output.StatusCode = head.Status;
        if (context.Features.Get<IHttpResponseFeature>() is { } feature && head.Reason.Length > 0)
        {
            feature.ReasonPhrase = head.Reason;
        }

        foreach (var (name, value) in head.Headers)
        {
            output.Headers.Append(name, value);
        }

        await output.StartAsync(context.RequestAborted);
    }

    public static async Task WriteBodyAsync(HttpContext context, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = context.Response.StatusCode;
        if (HttpMethods.IsHead(context.Request.Method) || status is 204 or 304 || status < 200)
        {
            return;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await body.CopyToAsync(context.Response.Body, CopyBufferSize, cancellationToken);
    }
}
