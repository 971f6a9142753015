using OrleansRelay.Contracts.Model.Fleet;
using OrleansRelay.Silo.Fleet;

namespace OrleansRelay.Tests.Silo.Fleet;

/// <summary>The in-memory fleet index: row rules, version order, keyset pages, filters and running totals.</summary>
public sealed class MemoryDeviceIndexTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 3, 1, 0, 0, TimeSpan.Zero);

    private static DeviceIndexEntry Entry(string id, bool online, long version, string? reason = null, string? name = null, bool registered = true, DateTimeOffset? since = null, DateTimeOffset? notified = null) =>
        new(id, registered, name ?? id, online, since ?? T0.AddTicks(version), online ? DeviceIndexEntry.Connected : reason, online ? "edge-1" : null, "a@example.com", notified, version);

    [Fact]
    public void OfflineWithoutReason_KeepsReasonAndSince_ChangeWithoutReasonIsUnknown()
    {
        var index = new MemoryDeviceIndex();
        index.Apply(Entry("d1", false, 1, "graceful", since: T0), T0);
        index.Apply(Entry("d1", false, 2, since: T0.AddMinutes(5)), T0);
        var row = index.Query(new FleetQuery(null, null, null, 10)).Devices.Single();
        Assert.Equal(("graceful", T0), (row.Reason, row.Since));

        index.Apply(Entry("d1", true, 3, since: T0.AddMinutes(6)), T0);
        index.Apply(Entry("d1", false, 4, since: T0.AddMinutes(7)), T0);
        row = index.Query(new FleetQuery(null, null, null, 10)).Devices.Single();
        Assert.Equal((false, "unknown", T0.AddMinutes(7), (string?)null), (row.Online, row.Reason, row.Since, row.EdgeId));
    }

    [Fact]
    public void OlderEntry_ChangesNothingButALaterNotificationTime()
    {
        var index = new MemoryDeviceIndex();
        index.Apply(Entry("d1", true, 10), T0);
        index.Apply(Entry("d1", false, 5, "graceful", notified: T0.AddHours(1)), T0);
        var row = index.Query(new FleetQuery(null, null, null, 10)).Devices.Single();
        Assert.True(row.Online);
        Assert.Equal(T0.AddHours(1), row.LastNotificationAt);
        Assert.Equal(1, index.Stats().Online);
    }

    [Fact]
    public void Pages_AreKeyset_FiltersApply_TotalsFollow()
    {
        var index = new MemoryDeviceIndex();
        for (var i = 0; i < 30; i++)
        {
            index.Apply(Entry($"dev-{i:D2}", i % 3 == 0, 1, i % 3 == 1 ? "graceful" : "edge-lost", name: i == 7 ? "Kitchen light" : null), T0);
        }

        var first = index.Query(new FleetQuery(null, null, null, 12));
        Assert.True(first.More);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => $"dev-{i:D2}"), first.Devices.Select(d => d.DeviceId));

        // A device after the cursor appears; one before it leaves: the next page starts right after the cursor.
        index.Apply(Entry("dev-11a", true, 2), T0);
        index.Apply(Entry("dev-03", false, 2, registered: false), T0);
        var second = index.Query(new FleetQuery(null, null, first.Devices[^1].DeviceId, 12));
        Assert.Equal("dev-11a", second.Devices[0].DeviceId);
        Assert.Equal("dev-12", second.Devices[1].DeviceId);

        Assert.All(index.Query(new FleetQuery(true, null, null, 100)).Devices, d => Assert.True(d.Online));
        Assert.Equal(["dev-07"], index.Query(new FleetQuery(null, "kitchen", null, 100)).Devices.Select(d => d.DeviceId));
        Assert.Equal(["dev-20", "dev-22", "dev-23"], index.Query(new FleetQuery(false, "dev-2", null, 100)).Devices.Select(d => d.DeviceId).Take(3));
        var last = index.Query(new FleetQuery(null, "dev-2", "dev-28", 1));
        Assert.Equal((false, "dev-29"), (last.More, last.Devices.Single().DeviceId));

        var stats = index.Stats();
        Assert.Equal((30L, 10L), (stats.Registered, stats.Online));
        Assert.Equal(10, stats.OfflineByReason["graceful"]);
        Assert.Equal(10, stats.OfflineByReason["edge-lost"]);
    }

    [Fact]
    public void Suspects_AreOnlineRowsOnLostEdgesOrNotRewritten()
    {
        var index = new MemoryDeviceIndex();
        index.Apply(Entry("old", true, 1), T0);
        index.Apply(Entry("fresh", true, 1), T0.AddMinutes(20));
        index.Apply(Entry("off", false, 1, "graceful"), T0);
        Assert.Equal(["old"], index.FindSuspects(T0.AddMinutes(10), null, 10));
        Assert.Equal(["fresh", "old"], index.FindSuspects(T0, new HashSet<string> { "edge-2" }, 10));
        Assert.Empty(index.FindSuspects(T0, new HashSet<string> { "edge-1" }, 10));
    }

    [Fact]
    public void PendingEntries_FoldIntoOne()
    {
        var offline = Entry("d1", false, 1, "graceful", since: T0, notified: T0.AddSeconds(3));
        var repeat = Entry("d1", false, 2, since: T0.AddMinutes(1));
        var folded = offline.Then(repeat);
        Assert.Equal(("graceful", T0, T0.AddSeconds(3), 2L), (folded.Reason, folded.Since, folded.LastNotificationAt, folded.Version));
        Assert.Equal(folded, repeat.Then(offline));
        var online = Entry("d1", true, 3);
        Assert.Equal((true, DeviceIndexEntry.Connected), (offline.Then(online).Online, offline.Then(online).Reason));
    }
}
