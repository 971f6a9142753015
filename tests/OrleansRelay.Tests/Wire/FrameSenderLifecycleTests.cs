using System.Buffers;
using System.IO.Pipelines;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Wire;

/// <summary>The sender's loop as a connection lives it: idle waits, wake-ups from many producers, completion and cancellation.</summary>
public sealed class FrameSenderLifecycleTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManyProducers_WhileTheLoopWaits_EveryFrameIsWrittenOnce_ThenCompleteEndsTheLoop()
    {
        var pipe = new Pipe();
        var sender = new FrameSender(pipe.Writer);
        var writer = sender.RunAsync(Token);
        var reading = ReadPingsAsync(pipe.Reader);

        const int Producers = 8;
        const int PerProducer = 500;
        await Task.WhenAll(Enumerable.Range(0, Producers).Select(producer => Task.Run(
            async () =>
            {
                for (var i = 0; i < PerProducer; i++)
                {
                    var payload = BitConverter.GetBytes((long)(producer * PerProducer + i));
                    if (i % 50 == 0)
                    {
                        // Now and then a producer waits for its frame: the loop goes idle and is woken again.
                        await sender.SendAndWaitAsync(OutboundFrame.Create(FrameType.Ping, payload));
                    }
                    else
                    {
                        Assert.True(sender.TrySend(OutboundFrame.Create(FrameType.Ping, payload)));
                    }
                }
            },
            Token)));

        sender.Complete();
        await writer.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.False(sender.TrySend(OutboundFrame.Create(FrameType.Ping, new byte[8])));
        await pipe.Writer.CompleteAsync();

        var seen = await reading.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(Enumerable.Range(0, Producers * PerProducer).Select(n => (long)n), seen.Order());
        Assert.Equal(0, sender.QueuedBytes);
    }

    [Fact]
    public async Task CancellingTheLoop_WhileItWaits_EndsIt_AndLaterFramesAreRefused()
    {
        var pipe = new Pipe();
        var sender = new FrameSender(pipe.Writer);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var writer = sender.RunAsync(stop.Token);
        await sender.SendAndWaitAsync(OutboundFrame.Create(FrameType.Ping, new byte[8])).WaitAsync(TimeSpan.FromSeconds(10), Token);

        await stop.CancelAsync();
        await writer.WaitAsync(TimeSpan.FromSeconds(10), Token);

        await Assert.ThrowsAsync<ConnectionClosedException>(() => sender.SendAndWaitAsync(OutboundFrame.Create(FrameType.Ping, new byte[8])));
    }

    [Fact]
    public async Task FramesQueuedBeforeComplete_AreStillWritten()
    {
        var pipe = new Pipe();
        var sender = new FrameSender(pipe.Writer);
        for (var i = 0; i < 600; i++)
        {
            Assert.True(sender.TrySend(OutboundFrame.Create(FrameType.Ping, BitConverter.GetBytes((long)i))));
        }

        sender.Complete();
        await sender.RunAsync(Token).WaitAsync(TimeSpan.FromSeconds(10), Token);
        await pipe.Writer.CompleteAsync();

        Assert.Equal(Enumerable.Range(0, 600).Select(n => (long)n), await ReadPingsAsync(pipe.Reader));
    }

    /// <summary>Every ping's 8-byte payload, as a number, in the order written, until the writer completes.</summary>
    private static async Task<List<long>> ReadPingsAsync(PipeReader reader)
    {
        var seen = new List<long>();
        while (true)
        {
            var result = await reader.ReadAsync(Token);
            var buffer = result.Buffer;
            while (FrameReader.TryReadFrame(ref buffer, ProtocolLimits.PingPayloadSize, out var frame))
            {
                Assert.Equal(FrameType.Ping, frame.Type);
                seen.Add(BitConverter.ToInt64(frame.Payload.ToArray()));
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return seen;
            }
        }
    }
}
