using Microsoft.Extensions.Time.Testing;
using OrleansRelay.Contracts.Model;
using OrleansRelay.Silo.Events;

namespace OrleansRelay.Tests.Silo;

public sealed class DeviceEventLogTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-11-24T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public async Task Notifications_AreRecordedOnce_ByIncreasingSequence_WithConsecutiveIds()
    {
        var log = new DeviceEventLog("d", new MemoryDeviceEventStore(), new EventOptions(), _time);

        var first = await log.AppendNotificationsAsync([new(10, "a"), new(11, "b")]);
        var resent = await log.AppendNotificationsAsync([new(10, "a"), new(11, "b"), new(12, "c"), new(12, "c")]);

        Assert.Equal([(1L, "a"), (2L, "b")], first.Select(e => (e.Id, e.Data)));
        Assert.Equal([(3L, "c")], resent.Select(e => (e.Id, e.Data)));
        Assert.Equal(12, log.LastSequence);
    }

    [Fact]
    public async Task Read_ResumesAfterAnId_AndReportsAGapBeyondTheWindow()
    {
        var log = new DeviceEventLog("d", new MemoryDeviceEventStore(), new EventOptions { ReplayCount = 3, ReplayAge = TimeSpan.FromMinutes(10) }, _time);
        await log.AppendNotificationsAsync(Enumerable.Range(1, 5).Select(i => new DeviceNotification(i, $"n{i}")).ToArray());

        var resumed = log.Read(3, 100);
        Assert.Equal([4L, 5L], resumed.Events.Select(e => e.Id));
        Assert.False(resumed.Gap);

        var tooOld = log.Read(1, 100);
        Assert.True(tooOld.Gap);
        Assert.Equal(3, tooOld.OldestId);
        Assert.Equal([3L, 4L, 5L], tooOld.Events.Select(e => e.Id));

        _time.Advance(TimeSpan.FromMinutes(11));
        var expired = log.Read(4, 100);
        Assert.Empty(expired.Events);
        Assert.True(expired.Gap, "events older than the replay age are outside the window");
        Assert.Empty(log.Read(-1, 100).Events);
    }

    [Fact]
    public async Task AFailedWrite_ChangesNothing_SoIdsNeverRepeat_AndAReloadContinues()
    {
        var store = new FlakyStore();
        var log = new DeviceEventLog("d", store, new EventOptions(), _time);
        await log.AppendNotificationsAsync([new(1, "a")]);

        store.Failing = true;
        await Assert.ThrowsAsync<IOException>(() => log.AppendNotificationsAsync([new(2, "b")]));
        Assert.Equal((1L, 1L), (log.LastId, log.LastSequence));

        store.Failing = false;
        var retried = await log.AppendNotificationsAsync([new(2, "b")]);
        Assert.Equal(2, retried.Single().Id);

        var reloaded = new DeviceEventLog("d", store, new EventOptions(), _time);
        await reloaded.LoadAsync(CancellationToken.None);
        Assert.Equal((2L, 2L), (reloaded.LastId, reloaded.LastSequence));
        Assert.Empty(await reloaded.AppendNotificationsAsync([new(2, "b")]));
        Assert.Equal(["a", "b"], reloaded.Read(0, 10).Events.Select(e => e.Data));
    }

    [Fact]
    public async Task AWriteThatCommittedButReportedFailure_IsNotRecordedTwice_AndTheLogContinues()
    {
        var store = new FlakyStore();
        var log = new DeviceEventLog("d", store, new EventOptions(), _time);
        await log.AppendNotificationsAsync([new(1, "a")]);

        store.FailAfterCommit = true; // the database committed, then the connection broke (MariaDB killed)
        await Assert.ThrowsAsync<IOException>(() => log.AppendNotificationsAsync([new(2, "b")]));

        store.FailAfterCommit = false;
        Assert.Empty(await log.AppendNotificationsAsync([new(2, "b")])); // the device's resend: already recorded
        Assert.Equal((2L, 2L), (log.LastId, log.LastSequence));
        Assert.Equal(3, (await log.AppendNotificationsAsync([new(3, "c")])).Single().Id);
        Assert.Equal(["a", "b", "c"], log.Read(0, 10).Events.Select(e => e.Data));
    }

    private sealed class FlakyStore : IDeviceEventStore
    {
        private readonly MemoryDeviceEventStore _inner = new();

        public bool Failing { get; set; }

        public bool FailAfterCommit { get; set; }

        public Task<StoredEventLog> LoadAsync(string deviceId, int maxEvents, CancellationToken cancellationToken) =>
            _inner.LoadAsync(deviceId, maxEvents, cancellationToken);

        public Task AppendAsync(string deviceId, IReadOnlyList<DeviceEvent> events, long lastSequence, CancellationToken cancellationToken) =>
            Failing ? throw new IOException("database down") : FailAfterCommit ? CommitThenFailAsync(deviceId, events, lastSequence, cancellationToken) : _inner.AppendAsync(deviceId, events, lastSequence, cancellationToken);

        private async Task CommitThenFailAsync(string deviceId, IReadOnlyList<DeviceEvent> events, long lastSequence, CancellationToken cancellationToken)
        {
            await _inner.AppendAsync(deviceId, events, lastSequence, cancellationToken);
            throw new IOException("connection lost after the commit");
        }

        public Task TrimAsync(string deviceId, long keepFromId, CancellationToken cancellationToken) =>
            _inner.TrimAsync(deviceId, keepFromId, cancellationToken);
    }
}
