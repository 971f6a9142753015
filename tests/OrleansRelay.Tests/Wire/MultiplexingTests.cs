using System.Buffers;
using System.IO.Pipelines;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Wire;

public sealed class MultiplexingTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task BodyPump_LargeBodyInFlight_SmallBodiesFinishAfterAFewOfItsChunks()
    {
        // A slow reader and a tiny pipe: the sender can only write as fast as the peer reads, like a real socket.
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 16 * 1024, resumeWriterThreshold: 8 * 1024));
        var sender = new FrameSender(pipe.Writer);
        var writer = sender.RunAsync(Token);
        const int Chunk = 16 * 1024;
        var big = new byte[4 * 1024 * 1024];
        var frames = new List<(uint Stream, bool End)>();
        var firstBigChunk = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var smallQueued = new ManualResetEventSlim();
        var reader = Task.Run(
            () => FrameReadLoop.RunAsync(pipe.Reader, 1 << 20, (in Frame f) =>
            {
                var s = StreamFrame.Parse(f.Payload);
                lock (frames)
                {
                    frames.Add((s.StreamId, s.EndStream));
                }

                if (firstBigChunk.TrySetResult())
                {
                    // Hold the reader (so the large body cannot run ahead) until the small bodies are queued too.
                    smallQueued.Wait(TimeSpan.FromSeconds(10), Token);
                }
            }, Token),
            Token);

        var bigPump = BodyPump.PumpAsync(new MemoryStream(big), 1, sender, new SendWindow(int.MaxValue), Chunk, long.MaxValue, Token);
        await firstBigChunk.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        // Declared lengths: each small body is one frame that ends its stream, queued before the reader resumes. An
        // undeclared one needs a second frame after the first was written, queued by a thread-pool continuation, and
        // what the assertion below then measured was the thread pool's order (it failed most runs of this test alone).
        var smallPumps = Enumerable.Range(2, 50)
            .Select(id => BodyPump.PumpAsync(new MemoryStream(new byte[100]), (uint)id, sender, new SendWindow(int.MaxValue), Chunk, long.MaxValue, Token, declaredLength: 100))
            .ToArray();
        smallQueued.Set();
        await Task.WhenAll(smallPumps.Append(bigPump)).WaitAsync(TimeSpan.FromSeconds(30), Token);
        sender.Complete();
        await writer;
        await pipe.Writer.CompleteAsync();
        await reader;

        var bigEnd = frames.FindIndex(f => f is { Stream: 1, End: true });
        var lastSmallEnd = frames.FindLastIndex(f => f.Stream != 1 && f.End);
        var firstSmall = frames.FindIndex(f => f.Stream != 1);
        var bigChunksBeforeLastSmall = frames.Skip(firstSmall).Take(lastSmallEnd - firstSmall).Count(f => f.Stream == 1);
        Assert.True(lastSmallEnd < bigEnd, "a small body finished after the 4 MiB body: streams were not interleaved");
        Assert.True(bigChunksBeforeLastSmall < 16, $"small bodies waited behind {bigChunksBeforeLastSmall} chunks of the large body once queued");
        Assert.Equal((4 * 1024 * 1024 / Chunk) + 1, frames.Count(f => f.Stream == 1));
    }

    [Fact]
    public async Task BodyPump_StopsAtTheWindowAndResumesOnGrant()
    {
        var pipe = new Pipe();
        var sender = new FrameSender(pipe.Writer);
        var writer = sender.RunAsync(Token);
        var window = new SendWindow(10_000);
        var received = 0L;
        var ended = new TaskCompletionSource();
        var progress = new SemaphoreSlim(0);
        var reader = Task.Run(
            () => FrameReadLoop.RunAsync(pipe.Reader, 1 << 20, (in Frame f) =>
            {
                var s = StreamFrame.Parse(f.Payload);
                Interlocked.Add(ref received, s.Content.Length);
                progress.Release();
                if (s.EndStream)
                {
                    ended.TrySetResult();
                }
            }, Token),
            Token);

        var pump = BodyPump.PumpAsync(new MemoryStream(new byte[25_000]), 3, sender, window, 4096, long.MaxValue, Token);
        await WaitForAsync(() => Interlocked.Read(ref received) == 10_000);
        Assert.False(pump.IsCompleted);
        Assert.Equal(10_000, Interlocked.Read(ref received));

        window.Grant(20_000);
        await ended.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(25_000, await pump);
        Assert.Equal(25_000, Interlocked.Read(ref received));
        sender.Complete();
        await writer;
        await pipe.Writer.CompleteAsync();
        await reader;
    }

    [Fact]
    public async Task BodyPump_OverTheBodyLimit_Throws()
    {
        var pipe = new Pipe();
        var sender = new FrameSender(pipe.Writer);
        var writer = sender.RunAsync(Token);
        var drain = Task.Run(() => FrameReadLoop.RunAsync(pipe.Reader, 1 << 20, (in Frame _) => { }, Token), Token);

        var ex = await Assert.ThrowsAsync<BodyTooLargeException>(() =>
            BodyPump.PumpAsync(new MemoryStream(new byte[5000]), 1, sender, new SendWindow(1 << 20), 1024, 4096, Token));
        Assert.Equal(4096, ex.Limit);
        sender.Complete();
        await writer;
        await pipe.Writer.CompleteAsync();
        await drain;
    }

    [Fact]
    public async Task FrameSender_AfterTransportCloses_FailsWaitersInsteadOfHanging()
    {
        var pipe = new Pipe();
        await pipe.Reader.CompleteAsync();
        var sender = new FrameSender(pipe.Writer);
        var writer = sender.RunAsync(Token);

        var send = sender.SendAndWaitAsync(OutboundFrame.Create(FrameType.Ping, new byte[8]));
        await writer;

        await Assert.ThrowsAnyAsync<Exception>(() => send.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.False(sender.TrySend(OutboundFrame.Create(FrameType.Ping, new byte[8])));
    }

    [Fact]
    public async Task SendWindow_WaitsForCredit_AndRejectsOverflow()
    {
        var window = new SendWindow(100);
        Assert.Equal(100, await window.WaitForCreditAsync(Token));
        window.Consume(100);

        var waiting = window.WaitForCreditAsync(Token).AsTask();
        Assert.False(waiting.IsCompleted);
        Assert.True(window.Grant(50));
        Assert.Equal(50, await waiting.WaitAsync(TimeSpan.FromSeconds(10), Token));

        Assert.False(window.Grant(0));
        Assert.False(window.Grant(uint.MaxValue));
    }

    [Fact]
    public async Task SendWindow_Abort_WakesWaiters()
    {
        var window = new SendWindow(0);
        var waiting = window.WaitForCreditAsync(Token).AsTask();

        window.Abort(new ConnectionClosedException("gone"));

        await Assert.ThrowsAsync<ConnectionClosedException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(10), Token));
    }

    [Fact]
    public async Task InboundBodyStream_GrantsExactlyWhatWasConsumed_AndRefusesOverrun()
    {
        var granted = new List<int>();
        using var body = new InboundBodyStream(1000, granted.Add);

        Assert.True(body.Append(new ReadOnlySequence<byte>(new byte[600])));
        Assert.True(body.Append(new ReadOnlySequence<byte>(new byte[400])));
        Assert.False(body.Append(new ReadOnlySequence<byte>(new byte[1])));
        Assert.Empty(granted);

        var buffer = new byte[700];
        Assert.Equal(600, await body.ReadAsync(buffer, Token));
        Assert.Equal([600], granted);
        Assert.Equal(400, await body.ReadAsync(buffer, Token));
        Assert.Equal([600, 400], granted);
        body.Complete();
        Assert.Equal(0, await body.ReadAsync(buffer, Token));
    }

    [Fact]
    public async Task InboundBodyStream_Fail_SurfacesTheErrorToTheReader()
    {
        using var body = new InboundBodyStream(1000, _ => { });
        body.Fail(new ConnectionClosedException("edge gone"));

        await Assert.ThrowsAsync<ConnectionClosedException>(async () => await body.ReadAsync(new byte[10], Token));
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
