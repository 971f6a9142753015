using System.Net;
using System.Net.Sockets;
using System.Text;

namespace OrleansRelay.FunctionalTests.Security;

/// <summary>
/// Sends bytes to the edge's HTTP port on a bare socket (so malformed requests reach Kestrel as written) and reads
/// everything the edge answers until it closes the connection (requests carry <c>Connection: close</c>, or are bad
/// enough that Kestrel closes).
/// </summary>
internal static class RawHttp
{
    /// <summary>The request head lines, joined with CRLF, plus the empty line.</summary>
    public static string Head(params string[] lines) => string.Join("\r\n", lines) + "\r\n\r\n";

    /// <summary>Sends <paramref name="request"/> and returns every response the edge wrote, in order.</summary>
    public static async Task<IReadOnlyList<RawResponse>> SendAsync(IPEndPoint edge, string request)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(edge, timeout.Token);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
        using var all = new MemoryStream();
        try
        {
            await stream.CopyToAsync(all, timeout.Token);
        }
        catch (IOException)
        {
            // A reset after the answer (Kestrel closing on a bad request) still leaves what was read.
        }

        return Parse(Encoding.UTF8.GetString(all.ToArray()));
    }

    private static List<RawResponse> Parse(string text)
    {
        var responses = new List<RawResponse>();
        while (text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal))
        {
            var headEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            var lines = text[..headEnd].Split("\r\n");
            var response = new RawResponse(int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture), lines[1..], string.Empty);
            text = text[(headEnd + 4)..];
            string body;
            if (response.Header("Transfer-Encoding").Any(v => v.Contains("chunked", StringComparison.OrdinalIgnoreCase)))
            {
                var chunks = new StringBuilder();
                int size;
                do
                {
                    var lineEnd = text.IndexOf("\r\n", StringComparison.Ordinal);
                    size = Convert.ToInt32(text[..lineEnd], 16);
                    chunks.Append(text, lineEnd + 2, size);
                    text = text[(lineEnd + 2 + size + 2)..];
                }
                while (size > 0);

                body = chunks.ToString();
            }
            else
            {
                var length = response.Header("Content-Length").Select(v => int.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault();
                body = text[..Math.Min(length, text.Length)];
                text = text[body.Length..];
            }

            responses.Add(response with { Body = body });
        }

        return responses;
    }
}

/// <summary>One response read off the socket.</summary>
internal sealed record RawResponse(int Status, IReadOnlyList<string> Headers, string Body)
{
    public IEnumerable<string> Header(string name) =>
        Headers.Where(l => l.StartsWith(name + ":", StringComparison.OrdinalIgnoreCase)).Select(l => l[(name.Length + 1)..].Trim());
}
