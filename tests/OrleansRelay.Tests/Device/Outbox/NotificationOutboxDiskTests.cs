using Microsoft.Extensions.Logging;
using OrleansRelay.Device.Notifications;
using OrleansRelay.Device.Outbox;

namespace OrleansRelay.Tests.Device.Outbox;

/// <summary>The outbox on disk through its public face: accepted means on disk, replay after a restart, full policy, compaction.</summary>
public sealed class NotificationOutboxDiskTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"orleansrelay-outbox-{Guid.NewGuid():N}");
    private readonly RecordingLogger _log = new();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Reopened_ReplaysTheUnacknowledged_InOrder_WithTheirSequenceNumbers()
    {
        long[] sequences;
        using (var outbox = Open())
        {
            sequences = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => outbox.AddAsync($"n{i}")));
            outbox.Acknowledge(sequences[39]);
        }

        using var reopened = Open();
        var replayed = reopened.After(0);
        Assert.Equal(Enumerable.Range(40, 60).Select(i => $"n{i}"), replayed.Select(n => n.Text));
        Assert.Equal(sequences[40..], replayed.Select(n => n.Sequence));
        Assert.Equal(60, reopened.Count);
    }

    [Fact]
    public async Task Reopened_NewSequenceNumbers_StayAboveEveryEarlierOne_EvenWhenTheClockWentBack()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch.AddDays(20_000));
        long last;
        using (var outbox = Open(clock: clock))
        {
            last = await outbox.AddAsync("before");
            outbox.Acknowledge(last);
        }

        // Everything acknowledged and compacted away; the clock is a day behind (a board without a real-time clock).
        clock.Now = clock.Now.AddDays(-1);
        using var reopened = Open(clock: clock);
        Assert.Equal(0, reopened.Count);
        Assert.Equal(last + 1, await reopened.AddAsync("after"));
    }

    [Fact]
    public async Task ConcurrentWriters_AreAllAccepted_InSequenceOrder_OnDisk()
    {
        using (var outbox = Open())
        {
            var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (var i = 0; i < 200; i++)
                {
                    await outbox.AddAsync($"w{w}-{i}");
                }
            }));
            await Task.WhenAll(writers);
            Assert.Equal(1600, outbox.Count);
        }

        using var reopened = Open();
        var replayed = reopened.After(0);
        Assert.Equal(1600, replayed.Length);
        Assert.Equal(replayed.Select(n => n.Sequence).Order(), replayed.Select(n => n.Sequence));
        for (var w = 0; w < 8; w++)
        {
            // Each writer's own lines keep their order.
            var prefix = $"w{w}-";
            Assert.Equal(Enumerable.Range(0, 200).Select(i => prefix + i), replayed.Where(n => n.Text.StartsWith(prefix, StringComparison.Ordinal)).Select(n => n.Text));
        }
    }

    [Fact]
    public async Task Full_RefusesWithOutboxFull_AndAcceptsAgainOnceAcknowledgedSegmentsAreDeleted()
    {
        using var outbox = Open(maxBytes: 8 * 1024);
        var text = new string('x', 100);
        var accepted = new List<long>();
        NotificationRefusedException? refused = null;
        while (refused is null)
        {
            try
            {
                accepted.Add(await outbox.AddAsync(text));
            }
            catch (NotificationRefusedException ex)
            {
                refused = ex;
            }
        }

        Assert.Equal(NotificationRefusal.OutboxFull, refused.Reason);
        Assert.Contains("outbox is full", refused.Message, StringComparison.Ordinal);
        Assert.Contains(_log.Lines, l => l.Contains("The outbox is full", StringComparison.Ordinal));
        Assert.InRange(accepted.Count, 60, 80);
        Assert.Equal(accepted.Count, outbox.Count);

        outbox.Acknowledge(accepted[^1]);
        await WaitUntilAsync(() => outbox.Bytes < 2 * 1024, "acknowledged segments to be deleted");
        Assert.True(await outbox.AddAsync(text) > accepted[^1]);
    }

    [Fact]
    public async Task Acknowledged_SegmentsAreDeleted_AndTheOutboxStaysSmallUnderSteadyTraffic()
    {
        using var outbox = Open(maxBytes: OutboxStore.MinMaxBytes);
        for (var i = 0; i < 400; i++)
        {
            // Far more than fits at once: only deleting acknowledged segments makes room.
            outbox.Acknowledge(await outbox.AddAsync($"steady-{i}"));
        }

        await WaitUntilAsync(() => SegmentFiles().Length <= 2, "acknowledged segments to be deleted");
        Assert.InRange(outbox.Bytes, 0, OutboxStore.MinMaxBytes);
        Assert.Equal(0, outbox.Count);
    }

    [Fact]
    public async Task CountBound_RefusesWithOutboxFull()
    {
        using var outbox = Open(capacity: 3);
        for (var i = 0; i < 3; i++)
        {
            await outbox.AddAsync($"c{i}");
        }

        var refused = await Assert.ThrowsAsync<NotificationRefusedException>(() => outbox.AddAsync("one too many"));
        Assert.Equal(NotificationRefusal.OutboxFull, refused.Reason);
    }

    [Fact]
    public async Task InvalidText_IsRefusedAsInvalid_AndNothingIsWritten()
    {
        using (var outbox = Open())
        {
            var refused = await Assert.ThrowsAsync<NotificationRefusedException>(() => outbox.AddAsync("two\nlines"));
            Assert.Equal(NotificationRefusal.Invalid, refused.Reason);
        }

        using var reopened = Open();
        Assert.Empty(reopened.After(0));
    }

    [Fact]
    public async Task TornLastRecord_IsDroppedWithALogLine_AndTheRecordsBeforeItAreReplayed()
    {
        using (var outbox = Open())
        {
            await outbox.AddAsync("kept-1");
            await outbox.AddAsync("kept-2");
            await outbox.AddAsync("torn");
        }

        // Power lost in the middle of the last write: only part of its record reached the disk.
        var segment = SegmentFiles().Single();
        var length = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Open))
        {
            file.SetLength(length - 3);
        }

        using (var reopened = Open())
        {
            Assert.Equal(["kept-1", "kept-2"], reopened.After(0).Select(n => n.Text));
            Assert.Contains(_log.Lines, l => l.Contains("torn record", StringComparison.Ordinal));

            // The torn bytes are cut off, so what follows is readable.
            await reopened.AddAsync("after");
        }

        using var again = Open();
        Assert.Equal(["kept-1", "kept-2", "after"], again.After(0).Select(n => n.Text));
    }

    [Fact]
    public async Task ChecksumMismatch_InTheLastRecord_IsDroppedWithALogLine()
    {
        using (var outbox = Open())
        {
            await outbox.AddAsync("good");
            await outbox.AddAsync("flipped");
        }

        var segment = SegmentFiles().Single();
        var bytes = await File.ReadAllBytesAsync(segment, TestContext.Current.CancellationToken);
        bytes[^2] ^= 0x20;
        await File.WriteAllBytesAsync(segment, bytes, TestContext.Current.CancellationToken);

        using var reopened = Open();
        Assert.Equal(["good"], reopened.After(0).Select(n => n.Text));
        Assert.Contains(_log.Lines, l => l.Contains("torn record", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DamageInAnOlderSegment_IsLogged_AndEverythingElseIsReplayed()
    {
        using (var outbox = Open(maxBytes: 8 * 1024))
        {
            // Segments of 1 KiB: 40 records of about 50 bytes fill two.
            for (var i = 0; i < 40; i++)
            {
                await outbox.AddAsync($"record-{i:D2}-{new string('r', 24)}");
            }
        }

        var segments = SegmentFiles().Order(StringComparer.Ordinal).ToArray();
        Assert.True(segments.Length >= 2, $"{segments.Length} segments");
        var first = await File.ReadAllBytesAsync(segments[0], TestContext.Current.CancellationToken);
        var firstCount = (first.Length - OutboxRecordFormat.HeaderBytes) / OutboxRecordFormat.SizeOf("record-00-" + new string('r', 24));

        // One flipped byte in the text of the first segment's third record.
        first[OutboxRecordFormat.HeaderBytes + (2 * OutboxRecordFormat.SizeOf("record-00-" + new string('r', 24))) + 20] ^= 0x01;
        await File.WriteAllBytesAsync(segments[0], first, TestContext.Current.CancellationToken);

        using var reopened = Open(maxBytes: 8 * 1024);
        var expected = new[] { 0, 1 }.Concat(Enumerable.Range(firstCount, 40 - firstCount)).Select(i => $"record-{i:D2}-{new string('r', 24)}");
        Assert.Equal(expected, reopened.After(0).Select(n => n.Text));
        Assert.Contains(_log.Lines, l => l.Contains("is damaged at offset", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecondOutbox_OnTheSameDirectory_IsRefused()
    {
        using var outbox = Open();
        await outbox.AddAsync("mine");
        var refused = Assert.Throws<IOException>(() => Open());
        Assert.Contains("in use by another daemon", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EmptyHeaderOfANewSegment_AfterPowerLoss_IsDropped()
    {
        using (var outbox = Open())
        {
            await outbox.AddAsync("before");
        }

        // A segment created but whose header never reached the disk.
        await File.WriteAllBytesAsync(OutboxSegment.PathOf(_directory, 99), [0x4F, 0x52], TestContext.Current.CancellationToken);
        using var reopened = Open();
        Assert.Equal(["before"], reopened.After(0).Select(n => n.Text));
        Assert.False(File.Exists(OutboxSegment.PathOf(_directory, 99)));
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) =>
        Eventually.TrueAsync(() => Task.FromResult(condition()), what, TimeSpan.FromSeconds(20));

    private string[] SegmentFiles() => Directory.GetFiles(_directory, "*" + OutboxSegment.Extension);

    private NotificationOutbox Open(long maxBytes = 1024 * 1024, int capacity = 100_000, TimeProvider? clock = null) =>
        NotificationOutbox.Open(_directory, maxBytes, capacity, clock ?? TimeProvider.System, _log);

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Keeps every formatted log line.</summary>
    private sealed class RecordingLogger : ILogger
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_lines)
            {
                _lines.Add(formatter(state, exception));
            }
        }
    }
}
