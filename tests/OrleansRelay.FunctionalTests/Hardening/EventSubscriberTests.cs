using System.Net.Sockets;
using System.Text;
using OrleansRelay.FunctionalTests.TestUtilities;

namespace OrleansRelay.FunctionalTests.Hardening;

/// <summary>
/// An SSE subscriber that opens a device's stream and then never reads, while many notifications flow: it is
/// dropped (Kestrel's minimum response rate once its socket is full; its own bounded queue meanwhile) and the
/// other subscriber of the same device keeps receiving every notification.
/// </summary>
[Collection(RelayCollection.Name)]
public sealed class EventSubscriberTests(RelayFixture fixture)
{
    private const int Notifications = 300;
    private const int StalledLogEvent = 3300;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task SubscriberThatNeverReads_IsDropped_TheOtherKeepsReceiving()
    {
        var logs = new RecordingLoggerProvider();
        using var rejections = new LimitRejections();
        await using var edge = await TestEdge.StartAsync(
            fixture.Silo.Cluster,
            // Long enough that the reading subscriber never waits this long on a busy machine; short enough for the test.
            new Dictionary<string, string?> { ["Edge:EventWriteTimeout"] = "00:00:10" },
            logs);
        const string DeviceId = "sse-slow-1";
        var secret = await edge.ProvisionAsync(DeviceId);
        await using var daemon = await TestDaemon.StartAsync(DeviceId, secret, fixture.Service.BaseUri, edge.DevicePort);
        var path = $"/v1/devices/{DeviceId}/events";
        await using var good = await SseClient.OpenAsync(edge.Client.BaseAddress!, path);

        using var slow = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
        await slow.ConnectAsync(edge.HttpEndPoint, Token);
        await using var stream = new NetworkStream(slow, ownsSocket: false);
        await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: edge\r\nX-Admin-Key: {TestEdge.AdminKey}\r\n\r\n"), Token);
        await Eventually.Within(ReadUntilAsync(stream, ": connected"), "the slow subscriber's stream to open");

        // From here on the slow subscriber never reads. Each notification is near the 64 KiB maximum: 300 of them
        // are far more than its socket and Kestrel's response buffer hold.
        var filler = new string('x', 60_000);
        for (var i = 0; i < Notifications; i++)
        {
            Assert.Null(daemon.Daemon.Notify($"{i}:{filler}"));
        }

        var received = await good.NextAsync(Notifications, "notification", TimeSpan.FromSeconds(60));
        Assert.Equal(Enumerable.Range(0, Notifications).Select(i => $"{i}:"), received.Select(e => e.Data[..(e.Data.IndexOf(':', StringComparison.Ordinal) + 1)]));

        // The edge dropped the slow stream (log line and metric), and reading now reaches its end instead of waiting
        // for more events.
        await Eventually.TrueAsync(() => logs.Events(StalledLogEvent).Count > 0, "the edge to drop the slow subscriber", TimeSpan.FromSeconds(60));
        Assert.True(rejections.Count("event-subscriber-stalled") > 0);
        Assert.True(await Eventually.Within(ReadToEndAsync(stream), "the slow subscriber's stream to end", TimeSpan.FromSeconds(60)));
    }

    private static async Task<bool> ReadUntilAsync(NetworkStream stream, string marker)
    {
        var text = new StringBuilder();
        var buffer = new byte[1024];
        while (!text.ToString().Contains(marker, StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, Token);
            if (read == 0)
            {
                return false;
            }

            text.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return true;
    }

    private static async Task<bool> ReadToEndAsync(NetworkStream stream)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (await stream.ReadAsync(buffer, Token) > 0)
            {
            }
        }
        catch (IOException)
        {
            // Reset instead of a clean close.
        }

        return true;
    }
}
