using System.Text;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Events;

/// <summary>
/// The daemon's outbox on disk, with the real daemon executable: killed with SIGKILL while an application writes
/// lines into its FIFO, then started again on the same state directory.
/// </summary>
public sealed class NotificationOutboxRestartTests
{
    private const string DeviceId = "outbox-kill-1";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DaemonKilledWhileLinesAreWritten_AfterRestart_EveryAcknowledgedLineReachesTheSubscriberExactlyOnce()
    {
        await using var silo = await TestSilo.StartAsync();
        await using var edge = await TestEdge.StartAsync(silo.Cluster);
        await using var service = await TestDeviceService.StartAsync();
        var work = Directory.CreateTempSubdirectory("orleansrelay-outbox-kill-");
        try
        {
            var secretFile = Path.Combine(work.FullName, "secret");
            await File.WriteAllTextAsync(secretFile, await edge.ProvisionAsync(DeviceId), Token);
            var fifoPath = Path.Combine(work.FullName, "notify.fifo");
            var controlPort = FreePort.Next();
            string[] arguments =
            [
                "--server", $"127.0.0.1:{edge.DevicePort}", "--device-id", DeviceId, "--secret-file", secretFile,
                "--local", service.BaseUri.ToString(), "--control-port", controlPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--notify-fifo", fifoPath, "--state-dir", Path.Combine(work.FullName, "state"),
            ];
            await using var events = await SseClient.OpenAsync(edge.Client.BaseAddress!, $"/v1/devices/{DeviceId}/events");

            // First life: an application writes bursts of lines and reads the daemon's acknowledgements; SIGKILL mid-stream.
            var first = await StartDaemonAsync("outbox-daemon-first", controlPort, arguments, fifoPath);
            var writer = AcknowledgedWriter.Start(fifoPath);
            await Eventually.TrueAsync(() => writer.Accepted.Count >= 300, "300 lines to be accepted before the kill", TimeSpan.FromSeconds(60));
            first.Kill();
            var accepted = writer.Stop();
            Assert.True(accepted.Count >= 300, $"only {accepted.Count} lines accepted");
            Assert.Empty(writer.Refused);
            await first.DisposeAsync();

            // Second life on the same state directory: it replays what the relay had not acknowledged.
            await using var second = await StartDaemonAsync("outbox-daemon-second", controlPort, arguments, fifoPath);
            Assert.Contains("unacknowledged notifications to replay", second.ReadLog(), StringComparison.Ordinal);
            var last = AcknowledgedWriter.WriteOne(fifoPath, "last-line");
            Assert.StartsWith("ok ", last, StringComparison.Ordinal);

            // Everything up to "last-line" (it comes after every replayed one: the outbox keeps order).
            var received = new List<string>();
            while (received.LastOrDefault() != "last-line")
            {
                var next = await events.NextAsync(TimeSpan.FromSeconds(30));
                if (next.Kind == "notification")
                {
                    received.Add(next.Data);
                }
            }

            var duplicates = received.GroupBy(d => d).Where(g => g.Count() > 1).Select(g => g.Key).ToArray();
            Assert.Empty(duplicates);
            Assert.Empty(accepted.Except(received));
            var numbers = received.SkipLast(1).Select(d => int.Parse(d.AsSpan("line-".Length), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(numbers.Order(), numbers);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<HostProcess> StartDaemonAsync(string name, int controlPort, string[] arguments, string fifoPath)
    {
        var daemon = await HostProcess.StartAsync("device/OrleansRelay.Device", "orleansrelay-device", name, controlPort, arguments);
        await Eventually.TrueAsync(() => daemon.ReadLog().Contains("Reading notifications from the named pipe", StringComparison.Ordinal), $"{name} to read {fifoPath}");
        return daemon;
    }

    /// <summary>
    /// An application that writes lines in bursts of five (one <c>write</c> each) and reads one acknowledgement per
    /// line from <c>PATH.ack</c> before the next burst; a line counts as accepted only with its <c>ok</c>.
    /// </summary>
    private sealed class AcknowledgedWriter
    {
        private const string Stopped = "stopped-by-test";
        private readonly string _fifoPath;
        private readonly Thread _thread;
        private readonly List<string> _accepted = [];
        private readonly List<string> _refused = [];

        private AcknowledgedWriter(string fifoPath)
        {
            _fifoPath = fifoPath;
            _thread = new Thread(Run) { IsBackground = true, Name = "acknowledged-writer" };
        }

        public IReadOnlyList<string> Accepted
        {
            get
            {
                lock (_accepted)
                {
                    return [.. _accepted];
                }
            }
        }

        public IReadOnlyList<string> Refused => _refused;

        public static AcknowledgedWriter Start(string fifoPath)
        {
            var writer = new AcknowledgedWriter(fifoPath);
            writer._thread.Start();
            return writer;
        }

        /// <summary>Writes one line and returns its acknowledgement.</summary>
        public static string WriteOne(string fifoPath, string line)
        {
            using var acks = OpenAcknowledgements(fifoPath);
            using var reader = new StreamReader(acks);
            using (var fifo = new FileStream(fifoPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
            {
                fifo.Write(Encoding.UTF8.GetBytes(line + "\n"));
            }

            return reader.ReadLine() ?? "";
        }

        /// <summary>Unblocks the writer (the daemon is dead and will not answer) and returns the accepted lines.</summary>
        public IReadOnlyList<string> Stop()
        {
            // Our own line on the acknowledgement FIFO wakes the reader blocked on it. Opened read-write: if the writer
            // already stopped (EPIPE), nobody else has the FIFO open and a write-only open would wait forever.
            using (var wake = OpenAcknowledgements(_fifoPath))
            {
                wake.Write(Encoding.UTF8.GetBytes(Stopped + "\n"));
            }

            Assert.True(_thread.Join(TimeSpan.FromSeconds(30)), "the writer to stop");
            return Accepted;
        }

        private static FileStream OpenAcknowledgements(string fifoPath) =>
            // Read-write: opening does not wait for the daemon, and the daemon sees a reader before the first line.
            new(fifoPath + ".ack", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);

        private void Run()
        {
            using var acks = OpenAcknowledgements(_fifoPath);
            using var reader = new StreamReader(acks);
            using var fifo = new FileStream(_fifoPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            for (var next = 0; ; next += 5)
            {
                var burst = Enumerable.Range(next, 5).Select(i => $"line-{i}").ToArray();
                try
                {
                    fifo.Write(Encoding.UTF8.GetBytes(string.Concat(burst.Select(l => l + "\n"))));
                }
                catch (IOException)
                {
                    // The daemon died: nobody reads the FIFO any more (EPIPE).
                    return;
                }

                foreach (var line in burst)
                {
                    var reply = reader.ReadLine();
                    if (reply is null or Stopped)
                    {
                        return;
                    }

                    if (reply.StartsWith("ok ", StringComparison.Ordinal))
                    {
                        lock (_accepted)
                        {
                            _accepted.Add(line);
                        }
                    }
                    else
                    {
                        _refused.Add($"{line}: {reply}");
                    }
                }
            }
        }
    }
}
