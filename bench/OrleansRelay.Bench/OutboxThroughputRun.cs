using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRelay.Device;
using OrleansRelay.Device.Notifications;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Bench;

/// <summary>
/// Accepted notifications per second with the daemon's outbox on disk (each accepted only after its fsync; concurrent
/// writers share fsyncs), with the relay's acknowledgements arriving meanwhile so segments are deleted as in service.
/// </summary>
internal static class OutboxThroughputRun
{
    /// <summary>One measurement: how many were accepted in how long, with how many fsyncs.</summary>
    public sealed record Result(string Path, int Writers, long Accepted, TimeSpan Elapsed, long Syncs)
    {
        public double PerSecond => Accepted / Elapsed.TotalSeconds;

        public double PerSync => Syncs == 0 ? 0 : (double)Accepted / Syncs;
    }

    /// <summary><paramref name="writers"/> tasks, each awaiting <see cref="DeviceDaemon.NotifyAsync"/> in a loop.</summary>
    public static async Task<Result> NotifyAsync(string directory, int writers, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var daemon = NewDaemon(directory);
        long accepted = 0;
        long highest = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var acks = AcknowledgeAsync(daemon, () => Interlocked.Read(ref highest), stop.Token);
        var started = Stopwatch.StartNew();
        var syncsBefore = daemon.Outbox.DiskSyncs;
        stop.CancelAfter(duration);
        var tasks = Enumerable.Range(0, writers).Select(w => Task.Run(async () =>
        {
            var text = $"{{\"writer\":{w},\"pressure\":2.125,\"valve\":\"open\"}}";
            while (!stop.IsCancellationRequested)
            {
                var sequence = await daemon.NotifyAsync(text);
                Interlocked.Increment(ref accepted);
                InterlockedMax(ref highest, sequence);
            }
        }, CancellationToken.None));
        await Task.WhenAll(tasks);
        var elapsed = started.Elapsed;
        await acks;
        return new Result("NotifyAsync", writers, accepted, elapsed, daemon.Outbox.DiskSyncs - syncsBefore);
    }

    /// <summary>One application writing lines into the FIFO as fast as the pipe takes them; done when every line's <c>ok</c> is read back.</summary>
    public static async Task<Result> FifoAsync(string directory, int lines, CancellationToken cancellationToken)
    {
        using var daemon = NewDaemon(directory);
        var fifoPath = Path.Combine(directory, "bench.fifo");
        using var fifo = NotificationFifo.Start(fifoPath, daemon, NotificationMessage.MaxTextBytes, NullLoggerFactory.Instance);
        await using var ackStream = new FileStream(NotificationFifo.AckPathOf(fifoPath), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
        using var ackReader = new StreamReader(ackStream);
        long highest = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var acks = AcknowledgeAsync(daemon, () => Interlocked.Read(ref highest), stop.Token);
        var syncsBefore = daemon.Outbox.DiskSyncs;
        var started = Stopwatch.StartNew();
        var reading = Task.Run(() =>
        {
            for (var i = 0; i < lines; i++)
            {
                var reply = ackReader.ReadLine() ?? throw new EndOfStreamException("The acknowledgement FIFO ended.");
                var sequence = reply.StartsWith("ok ", StringComparison.Ordinal)
                    ? long.Parse(reply.AsSpan(3), System.Globalization.CultureInfo.InvariantCulture)
                    : throw new InvalidOperationException($"Line {i} refused: {reply}");
                Interlocked.Exchange(ref highest, sequence);
            }
        }, CancellationToken.None);
        await using (var writer = new FileStream(fifoPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
        {
            var chunk = new StringBuilder();
            for (var i = 0; i < lines; i++)
            {
                chunk.Append("{\"line\":").Append(i).Append(",\"pressure\":2.125,\"valve\":\"open\"}\n");
                if (chunk.Length > 3500 || i == lines - 1)
                {
                    // Under PIPE_BUF (4096) per write, as an application writing whole lines would.
                    await writer.WriteAsync(Encoding.UTF8.GetBytes(chunk.ToString()), cancellationToken);
                    chunk.Clear();
                }
            }
        }

        await reading.WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);
        var elapsed = started.Elapsed;
        await stop.CancelAsync();
        await acks;
        return new Result("FIFO, one writer", 1, lines, elapsed, daemon.Outbox.DiskSyncs - syncsBefore);
    }

    private static DeviceDaemon NewDaemon(string directory) =>
        // Never run (no session): the benchmark plays the relay's acknowledgements itself.
        new(
            new DeviceOptions
            {
                Servers = [new ServerAddress("127.0.0.1", 9)],
                DeviceId = "bench-outbox",
                Secret = "unused",
                OutboxDirectory = Path.Combine(directory, "outbox"),
                MaxPendingNotifications = 1_000_000,
                OutboxMaxBytes = 256L * 1024 * 1024,
            },
            NullLoggerFactory.Instance);

    /// <summary>Acknowledges what was accepted every millisecond, as the relay would (so segments are deleted).</summary>
    private static async Task AcknowledgeAsync(DeviceDaemon daemon, Func<long> highest, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            daemon.Outbox.Acknowledge(highest());
            try
            {
                await Task.Delay(1, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private static void InterlockedMax(ref long target, long value)
    {
        var current = Interlocked.Read(ref target);
        while (value > current && Interlocked.CompareExchange(ref target, value, current) is var seen && seen != current)
        {
            current = seen;
        }
    }
}
