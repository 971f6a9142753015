using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using OrleansRelay.Device;
using OrleansRelay.Device.Notifications;
using OrleansRelay.FunctionalTests.TestUtilities;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.FunctionalTests.Device;

/// <summary>
/// A daemon that cannot reach the relay fills its outbox on disk: every way in refuses new notifications with a clear
/// reason (the control endpoint 503 with a JSON body, the FIFO's acknowledgement <c>refused outbox-full</c>,
/// <see cref="DeviceDaemon.NotifyAsync"/> an exception), and nothing is dropped silently.
/// </summary>
public sealed class OutboxFullTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FullOutbox_IsRefusedByTheControlEndpointTheFifoAndNotify_AndWhatWasAcceptedIsKept()
    {
        var work = Directory.CreateTempSubdirectory("orleansrelay-outbox-full-");
        var outbox = Path.Combine(work.FullName, "outbox");
        var options = TestDaemon.Options("full-1", "secret", new Uri("http://127.0.0.1:9"), FreePort.Next()) with
        {
            OutboxDirectory = outbox,
            OutboxMaxBytes = 8 * 1024,
        };
        var fifoPath = Path.Combine(work.FullName, "notify.fifo");
        var text = new string('f', 1000);
        var accepted = 0;
        try
        {
            using (var daemon = new DeviceDaemon(options, NullLoggerFactory.Instance))
            {
                await using var control = await LocalControlServer.StartAsync(FreePort.Next(), daemon, NullLoggerFactory.Instance);
                using var fifo = NotificationFifo.Start(fifoPath, daemon, NotificationMessage.MaxTextBytes, NullLoggerFactory.Instance);
                using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{control.Port}") };
                HttpResponseMessage response;
                while ((response = await http.PostAsync("/notifications", new StringContent(text), Token)).StatusCode == HttpStatusCode.Accepted)
                {
                    accepted++;
                    response.Dispose();
                }

                using (response)
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    Assert.Equal("1", response.Headers.RetryAfter?.ToString());
                    using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
                    Assert.Equal(503, json.RootElement.GetProperty("error").GetInt32());
                    Assert.Contains("outbox is full", json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
                }

                Assert.InRange(accepted, 5, 8);
                Assert.Equal(accepted, daemon.PendingNotifications);

                var refused = await Assert.ThrowsAsync<NotificationRefusedException>(() => daemon.NotifyAsync(text));
                Assert.Equal(NotificationRefusal.OutboxFull, refused.Reason);
                Assert.Throws<NotificationRefusedException>(() => daemon.Notify(text));

                using var acks = new FileStream(NotificationFifo.AckPathOf(fifoPath), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite, bufferSize: 0);
                using var ackReader = new StreamReader(acks);
                await using (var writer = new FileStream(fifoPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0))
                {
                    await writer.WriteAsync(Encoding.UTF8.GetBytes(text + "\n"), Token);
                }

                var reply = await Eventually.Within(Task.Run(ackReader.ReadLine, Token), "the FIFO's acknowledgement");
                Assert.StartsWith("refused outbox-full ", reply, StringComparison.Ordinal);
            }

            // What was accepted is on disk: a daemon started again on the directory holds exactly those.
            using var again = new DeviceDaemon(options, NullLoggerFactory.Instance);
            Assert.Equal(accepted, again.PendingNotifications);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
