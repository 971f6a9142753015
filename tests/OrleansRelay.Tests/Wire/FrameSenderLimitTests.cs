using System.IO.Pipelines;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Wire;

/// <summary>A peer that never reads: the sender's queue is bounded in bytes and in stall time, then the sender stops.</summary>
public sealed class FrameSenderLimitTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task QueuePastTheLimit_Overflows_RefusesFurtherFrames_AndTheWriteLoopEnds()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4096, resumeWriterThreshold: 2048));
        var sender = new FrameSender(pipe.Writer, new FrameSenderLimits(64 * 1024, Timeout.InfiniteTimeSpan), TimeProvider.System);
        var writer = sender.RunAsync(Token);
        var payload = new byte[1024];

        var accepted = 0;
        while (sender.TrySend(OutboundFrame.Create(FrameType.Ping, payload)) && accepted < 1000)
        {
            accepted++;
        }

        Assert.True(sender.Overflowed.IsCancellationRequested);
        Assert.InRange(accepted, 60, 80); // 64 KiB of 1029-byte frames, give or take what the pipe took
        Assert.Contains("stopped reading", sender.OverflowReason, StringComparison.Ordinal);
        Assert.False(sender.TrySend(OutboundFrame.Create(FrameType.Ping, payload)));
        await writer.WaitAsync(TimeSpan.FromSeconds(10), Token);
    }

    [Fact]
    public async Task FlushThatStalls_PastTheTimeout_Overflows_AndFailsTheWaitingFrames()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4096, resumeWriterThreshold: 2048));
        var sender = new FrameSender(pipe.Writer, new FrameSenderLimits(long.MaxValue, TimeSpan.FromMilliseconds(200)), TimeProvider.System);
        var writer = sender.RunAsync(Token);

        var waiting = Enumerable.Range(0, 8).Select(_ => sender.SendAndWaitAsync(OutboundFrame.Create(FrameType.Ping, new byte[1024]))).ToArray();
        await Task.Delay(Timeout.InfiniteTimeSpan, sender.Overflowed).ContinueWith(static _ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10), Token);

        Assert.Contains("accepted no data", sender.OverflowReason, StringComparison.Ordinal);
        await writer.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Contains(waiting, w => w.IsFaulted && w.Exception!.InnerException is ConnectionClosedException);
    }

    [Fact]
    public async Task PeerThatReads_NeverOverflows()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4096, resumeWriterThreshold: 2048));
        var sender = new FrameSender(pipe.Writer, new FrameSenderLimits(8 * 1024, TimeSpan.FromSeconds(30)), TimeProvider.System);
        var writer = sender.RunAsync(Token);
        var frames = 0;
        var reader = FrameReadLoop.RunAsync(pipe.Reader, 1 << 20, (in Frame _) => frames++, Token);

        for (var i = 0; i < 1000; i++)
        {
            await sender.SendAndWaitAsync(OutboundFrame.Create(FrameType.Ping, new byte[1024]));
        }

        sender.Complete();
        await writer.WaitAsync(TimeSpan.FromSeconds(10), Token);
        await pipe.Writer.CompleteAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.False(sender.Overflowed.IsCancellationRequested);
        Assert.Equal(1000, frames);
    }
}
