using System.Net;
using System.Net.Http.Headers;
using System.Text;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.FunctionalTests.Cluster;

/// <summary>The silo host's operator surface: readiness, metrics and the Orleans Dashboard behind the admin key.</summary>
public sealed class SiloOperationsTests
{
    private const string SiloKey = "silo-admin-key-0123456789";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DashboardAndMetrics_NeedTheAdminKey_ReadyzReportsMembership()
    {
        var cluster = TestSilo.NewLocalCluster() with { Mode = ClusterMode.Redis, RedisConnectionString = TestServices.Redis };
        await using var silo = await SiloProcess.StartAsync(cluster, TestServices.MySqlDatabase(TestServices.NewDatabaseName()), $"--Silo:AdminKey={SiloKey}");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.HttpPort}"), Timeout = TimeSpan.FromSeconds(30) };

        using (var ready = await http.GetAsync("/readyz", Token))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        }

        // No key, a wrong key: 401 with a Basic challenge a browser can answer.
        foreach (var path in new[] { "/dashboard", "/metrics" })
        {
            using var anonymous = await http.GetAsync(path, Token);
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Equal("Basic", anonymous.Headers.WwwAuthenticate.Single().Scheme);
            using var wrong = new HttpRequestMessage(HttpMethod.Get, path);
            wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-key-0123456789");
            using var refused = await http.SendAsync(wrong, Token);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // A browser with the key as Basic password sees the dashboard page, and its data API answers from the cluster.
        var basic = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + SiloKey)));
        using (var page = new HttpRequestMessage(HttpMethod.Get, "/dashboard/"))
        {
            page.Headers.Authorization = basic;
            using var response = await http.SendAsync(page, Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains("html", (await response.Content.ReadAsStringAsync(Token)).ToLowerInvariant(), StringComparison.Ordinal);
        }

        await Eventually.TrueAsync(
            async () =>
            {
                using var counters = new HttpRequestMessage(HttpMethod.Get, "/dashboard/DashboardCounters");
                counters.Headers.Add(OperatorKey.HeaderName, SiloKey);
                using var response = await http.SendAsync(counters, Token);
                return response.StatusCode == HttpStatusCode.OK && (await response.Content.ReadAsStringAsync(Token)).Contains("totalActiveHostCount", StringComparison.OrdinalIgnoreCase);
            },
            "the dashboard's counters to come from the cluster",
            TimeSpan.FromSeconds(30));

        // A scraper with the key as bearer token gets Prometheus text including the relay's own meters.
        using var scrape = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        scrape.Headers.Authorization = new AuthenticationHeaderValue("Bearer", SiloKey);
        using var metrics = await http.SendAsync(scrape, Token);
        Assert.Equal(HttpStatusCode.OK, metrics.StatusCode);
        Assert.Contains("# TYPE", await metrics.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }
}
