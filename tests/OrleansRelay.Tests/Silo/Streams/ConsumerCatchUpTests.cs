using OrleansRelay.Contracts.Grains;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Tests.Silo.Streams;

/// <summary>A consumer that missed a delivery reads the missing events from the device's log before the next one.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ConsumerCatchUpTests(ClusterFixture fixture)
{
    [Fact]
    public async Task DeliveryLostToTheConsumer_IsReadFromTheLog_BeforeTheNextEvent()
    {
        var deviceId = "flaky-" + Guid.NewGuid().ToString("N")[..8];
        var device = fixture.Client.GetGrain<IDeviceGrain>(deviceId);
        await device.Provision(null, rotateSecret: false);
        var consumer = fixture.Client.GetGrain<IFlakyConsumerGrain>(deviceId);
        string[] texts = ["n1", "n2", "fail-once", "n4"];
        for (var i = 0; i < texts.Length; i++)
        {
            await device.RecordNotifications(1, [new DeviceNotification(i + 1, texts[i])]);
            if (i == 2)
            {
                // The failed delivery leaves the position at 2 (the handler threw for event 3).
                await WaitForAsync(() => FlakyConsumerGrain.Handled.TryGetValue(deviceId, out var h) && h.Count == 2 && PositionIs(consumer, 2));
            }
        }

        await WaitForAsync(() => PositionIs(consumer, 4));
        Assert.Equal([1L, 2, 3, 4], FlakyConsumerGrain.Handled[deviceId]);
    }

    private static bool PositionIs(IFlakyConsumerGrain consumer, long id) => consumer.GetPosition().GetAwaiter().GetResult() == id;

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The consumer did not reach the expected position.");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }
}
