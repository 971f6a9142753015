using System.Net;
using System.Net.Sockets;
using System.Text;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Hardening;

/// <summary>The client API's explicit Kestrel limits (<c>HttpLimits</c>): header size and count (431), slow headers (cut).</summary>
[Collection(RelayCollection.Name)]
public sealed class HttpLimitTests(RelayFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task OversizedHeaders_AndTooManyHeaders_Are431()
    {
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?>
        {
            ["HttpLimits:MaxRequestHeadersTotalSize"] = "8192",
            ["HttpLimits:MaxRequestHeaderCount"] = "20",
        });
        using var client = new HttpClient { BaseAddress = edge.Client.BaseAddress };

        using var big = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        big.Headers.Add("X-Big", new string('a', 9000));
        using var bigResponse = await client.SendAsync(big, Token);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, bigResponse.StatusCode);

        using var many = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        for (var i = 0; i < 21; i++)
        {
            many.Headers.Add($"X-H{i}", "v");
        }

        using var manyResponse = await client.SendAsync(many, Token);
        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, manyResponse.StatusCode);

        // Within the limits, the same edge answers.
        using var ok = await client.GetAsync("/healthz", Token);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task HeadersSentSlowly_AreCutAfterTheHeadersTimeout_BeforeTheyAreComplete()
    {
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?>
        {
            ["HttpLimits:RequestHeadersTimeout"] = "00:00:02",
        });
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(edge.HttpEndPoint, Token);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("GET /healthz HTTP/1.1\r\nHost: edge\r\n"), Token);

        // One header byte every 100 ms: 300 bytes would take 30 s.
        var header = Encoding.ASCII.GetBytes("X-Slow: " + new string('s', 290) + "\r\n\r\n");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var trickle = Trickle.Start(header, (bytes, ct) => stream.WriteAsync(bytes, ct).AsTask(), TimeSpan.FromMilliseconds(100), stop.Token);

        // The edge answers 408 or just closes; either way the read reaches the end of the stream.
        var answer = await Eventually.Within(ReadToEndAsync(stream), "the edge to cut the slow request", TimeSpan.FromSeconds(20));
        Assert.True(answer.Length == 0 || answer.StartsWith("HTTP/1.1 408", StringComparison.Ordinal), answer);
        Assert.True(trickle.Sent < header.Length, "the headers were complete before the edge cut them");
        await stop.CancelAsync();
        await trickle.Completion;
    }

    private static async Task<string> ReadToEndAsync(NetworkStream stream)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, Token)) > 0)
            {
                text.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
            // Reset instead of a clean close.
        }

        return text.ToString();
    }
}
