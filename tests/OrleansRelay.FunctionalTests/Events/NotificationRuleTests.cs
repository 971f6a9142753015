using System.Text;
using OrleansRelay.FunctionalTests.Security;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Samples.Rules;

namespace OrleansRelay.FunctionalTests.Events;

/// <summary>The sample consumer grain: a device's matching notification makes the cluster call another device through the relay.</summary>
public sealed class NotificationRuleTests
{
    [Fact]
    public async Task MatchingNotification_CallsTheTargetDevicesApiThroughTheRelay_OncePerEvent()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var (source, target) = ($"rule-src-{suffix}", $"rule-dst-{suffix}");
        Uri? relayUrl = null;
        await using var silo = await TestSilo.StartAsync(TestSilo.NewLocalCluster(), new(), s =>
        {
            s.AddNotificationRules();
            // Read when the rule grain first activates, after the edge below has started.
            s.Services.Configure<NotificationRuleOptions>(o =>
            {
                o.RelayUrl = relayUrl;
                o.AdminKey = TestEdge.AdminKey;
                o.Rules = [new NotificationRule { SourceDevice = source, Contains = "door open", TargetDevice = target, Path = "/lights/on", Body = "{\"on\":true}" }];
            });
        });
        await using var edge = await TestEdge.StartAsync(silo.Cluster);
        relayUrl = edge.Client.BaseAddress;
        await using var sourceService = await TestDeviceService.StartAsync();
        await using var targetService = RecordingDeviceService.Start("lights");
        await using var targetDaemon = await TestDaemon.StartAsync(target, await edge.ProvisionAsync(target), targetService.BaseUri, edge.DevicePort);
        await using var sourceDaemon = await TestDaemon.StartAsync(source, await edge.ProvisionAsync(source), sourceService.BaseUri, edge.DevicePort);

        sourceDaemon.Daemon.Notify("{\"door\":\"closed\"}");
        sourceDaemon.Daemon.Notify("door open");
        sourceDaemon.Daemon.Notify("hall door open");

        RecordedRequest[] Calls() => [.. targetService.Requests.Where(r => r.Target == "/lights/on")];
        await Eventually.TrueAsync(() => Calls().Length == 2, "the two matching notifications to call the target device");
        var calls = Calls();
        Assert.All(calls, c => Assert.StartsWith("POST ", c.RequestLine, StringComparison.Ordinal));
        Assert.All(calls, c => Assert.Equal("{\"on\":true}", Encoding.UTF8.GetString(c.Body)));
        var keys = calls.Select(c => Assert.Single(c.Header("Idempotency-Key"))).ToArray();
        Assert.Equal(2, keys.Distinct().Count());
        Assert.All(keys, k => Assert.StartsWith(source + "/", k, StringComparison.Ordinal));

        // A further non-matching notification calls nothing more (and nothing was repeated meanwhile).
        sourceDaemon.Daemon.Notify("{\"door\":\"closed\"}");
        sourceDaemon.Daemon.Notify("door open");
        await Eventually.TrueAsync(() => Calls().Length == 3, "the third matching notification");
        Assert.Equal(3, Calls().Select(c => c.Header("Idempotency-Key").Single()).Distinct().Count());
    }
}
