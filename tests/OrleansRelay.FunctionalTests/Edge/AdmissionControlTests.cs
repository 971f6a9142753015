using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Edge;

/// <summary>A reconnect storm against a low admission rate: everyone gets in eventually, nobody gives up, the edge stays responsive.</summary>
[Collection(RelayCollection.Name)]
public sealed class AdmissionControlTests(RelayFixture fixture)
{
    private const int Devices = 2000;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConnectStorm_AllDevicesGetIn_EdgeKeepsAnsweringHealthz()
    {
        await using var edge = await TestEdge.StartAsync(fixture.Silo.Cluster, new Dictionary<string, string?>
        {
            ["Edge:AdmissionRatePerSecond"] = "400",
            ["Edge:AdmissionBurst"] = "100",
            // Every daemon here connects from 127.0.0.1: the per-address cap on handshaking connections would refuse
            // the storm before the admission rate limiter, the subject of this test, ever saw it.
            ["Edge:MaxPendingConnectionsPerAddress"] = "0",
        });
        var secrets = new string[Devices];
        await Parallel.ForAsync(0, Devices, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = Token }, async (i, ct) =>
        {
            using var response = await edge.Client.PostAsJsonAsync("/v1/admin/devices", new { deviceId = $"storm-{i}" }, ct);
            secrets[i] = (await response.Content.ReadFromJsonAsync<Dictionary<string, string>>(ct))!["secret"];
        });

        long throttled = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "orleansrelay.edge.device.handshakes")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "outcome", Value: "throttled" })
                {
                    Interlocked.Add(ref throttled, value);
                }
            }
        });
        listener.Start();

        using var stopProbe = new CancellationTokenSource();
        var healthFailures = 0;
        var healthChecks = 0;
        var probe = Task.Run(async () =>
        {
            // Generous: 2,000 daemons, the edge and the silo share this process and two cores; only a hang should fail.
            using var http = new HttpClient { BaseAddress = edge.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            while (!stopProbe.IsCancellationRequested)
            {
                try
                {
                    using var response = await http.GetAsync("/healthz", stopProbe.Token);
                    Interlocked.Increment(ref healthChecks);
                    if (!response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref healthFailures);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref healthFailures);
                }
                catch (TaskCanceledException) when (!stopProbe.IsCancellationRequested)
                {
                    Interlocked.Increment(ref healthFailures);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                await Task.Delay(50, Token);
            }
        }, Token);

        var daemons = Enumerable.Range(0, Devices)
            .Select(i => TestDaemon.Launch($"storm-{i}", secrets[i], fixture.Service.BaseUri, edge.DevicePort))
            .ToArray();
        try
        {
            await Eventually.TrueAsync(() => daemons.All(d => d.AcceptedSessions > 0), $"all {Devices} devices to be admitted", TimeSpan.FromSeconds(120));
        }
        finally
        {
            await stopProbe.CancelAsync();
            await probe;
            await Task.WhenAll(daemons.Select(d => d.DisposeAsync().AsTask()));
        }

        Assert.True(Interlocked.Read(ref throttled) > 0, "the storm was never throttled, so the test proved nothing");
        Assert.True(healthChecks > 0);
        Assert.Equal(0, healthFailures);
    }
}
