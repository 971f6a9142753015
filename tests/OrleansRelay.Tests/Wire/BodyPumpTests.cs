using System.IO.Pipelines;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Wire;

public sealed class BodyPumpTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PumpAsync_DeclaredLengthReached_LastChunkEndsTheStreamWithoutAnEmptyFrame()
    {
        var frames = await PumpAndReadAsync(new byte[2500], chunk: 1000, declaredLength: 2500);

        Assert.Equal([(1000, false), (1000, false), (500, true)], frames);
    }

    [Fact]
    public async Task PumpAsync_NoDeclaredLength_AnEmptyFrameEndsTheStream()
    {
        var frames = await PumpAndReadAsync(new byte[2500], chunk: 1000, declaredLength: null);

        Assert.Equal([(1000, false), (1000, false), (500, false), (0, true)], frames);
    }

    [Fact]
    public async Task PumpAsync_SourceShorterThanDeclared_EndsWithAnEmptyFrameWhenTheSourceEnds()
    {
        // A declared length is a hint for the last frame, never a promise the pump waits on.
        var frames = await PumpAndReadAsync(new byte[1500], chunk: 1000, declaredLength: 4000);

        Assert.Equal([(1000, false), (500, false), (0, true)], frames);
    }

    [Fact]
    public async Task PumpAsync_EmptyBodyWithDeclaredLengthZero_SendsOneEmptyEndFrame()
    {
        var frames = await PumpAndReadAsync([], chunk: 1000, declaredLength: 0);

        Assert.Equal([(0, true)], frames);
    }

    private static async Task<List<(int Length, bool End)>> PumpAndReadAsync(byte[] body, int chunk, long? declaredLength)
    {
        var pipe = new Pipe();
        var sender = new FrameSender(pipe.Writer);
        var writer = sender.RunAsync(Token);
        var sent = await BodyPump.PumpAsync(new MemoryStream(body), 7, sender, new SendWindow(1 << 20), chunk, long.MaxValue, Token, declaredLength);
        sender.Complete();
        await writer.WaitAsync(TimeSpan.FromSeconds(10), Token);
        await pipe.Writer.CompleteAsync();

        var frames = new List<(int Length, bool End)>();
        await FrameReadLoop.RunAsync(pipe.Reader, 1 << 20, (in Frame f) =>
        {
            var s = StreamFrame.Parse(f.Payload);
            Assert.Equal(7u, s.StreamId);
            frames.Add(((int)s.Content.Length, s.EndStream));
        }, Token).WaitAsync(TimeSpan.FromSeconds(10), Token);
        Assert.Equal(body.Length, sent);
        return frames;
    }
}
