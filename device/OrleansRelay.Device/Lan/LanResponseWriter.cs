using System.Globalization;
using System.Text;
using OrleansRelay.Wire;

namespace OrleansRelay.Device.Lan;

/// <summary>Writes an HTTP/1.1 response to a LAN client: the service's length-delimited body as is, any other body chunked.</summary>
internal static class LanResponseWriter
{
    private const int CopyBufferSize = 16 * 1024;
    private static readonly byte[] ChunkEnd = "\r\n"u8.ToArray();
    private static readonly byte[] LastChunk = "0\r\n\r\n"u8.ToArray();

    public static async Task WriteAsync(Stream output, HttpResponseMessage response, bool headRequest, bool keepAlive, CancellationToken cancellationToken)
    {
        var head = LocalForwarder.ToResponseHead(response);
        var noBody = headRequest || head.Status is 204 or 304 || head.Status < 200;
        var lengthKnown = head.Headers.Any(h => h.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase));
        var chunked = !noBody && !lengthKnown;
        var headers = head.Headers.ToList();
        if (chunked)
        {
            headers.Add(new("Transfer-Encoding", "chunked"));
        }

        if (!keepAlive)
        {
            headers.Add(new("Connection", "close"));
        }

        await output.WriteAsync(HttpHeadSerializer.WriteResponse(head with { Headers = headers }), cancellationToken);
        if (noBody)
        {
            await output.FlushAsync(cancellationToken);
            return;
        }

        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        if (!chunked)
        {
            await body.CopyToAsync(output, CopyBufferSize, cancellationToken);
            await output.FlushAsync(cancellationToken);
            return;
        }

        var buffer = new byte[CopyBufferSize];
        int read;
        while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
        {
            await output.WriteAsync(Encoding.ASCII.GetBytes(read.ToString("x", CultureInfo.InvariantCulture) + "\r\n"), cancellationToken);
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            await output.WriteAsync(ChunkEnd, cancellationToken);
            await output.FlushAsync(cancellationToken);
        }

        await output.WriteAsync(LastChunk, cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>An error of the daemon itself (bad request, service down), as a small JSON body like the relay's.</summary>
    public static async Task WriteErrorAsync(Stream output, int status, string message, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes(ErrorBody.Json(status, message));
        var head = new HttpResponseHead(status, ReasonOf(status),
        [
            new("Content-Type", "application/json"),
            new("Content-Length", body.Length.ToString(CultureInfo.InvariantCulture)),
            new("Connection", "close"),
        ]);
        await output.WriteAsync(HttpHeadSerializer.WriteResponse(head), cancellationToken);
        await output.WriteAsync(body, cancellationToken);
        await output.FlushAsync(cancellationToken);
    }

    private static string ReasonOf(int status) => status switch
    {
        400 => "Bad Request",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    };
}
