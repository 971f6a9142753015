using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using OrleansRelay.Wire;

namespace OrleansRelay.Tests.Wire;

public sealed class FrameReaderTests
{
    private const int Max = 1024;

    public static TheoryData<FrameType> AllTypes()
    {
        var data = new TheoryData<FrameType>();
        foreach (var type in Enum.GetValues<FrameType>())
        {
            data.Add(type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AllTypes))]
    public void TryReadFrame_EveryType_RoundTrips(FrameType type)
    {
        var payload = new byte[] { 1, 2, 3, (byte)type };
        var bytes = OutboundFrame.Create(type, payload).Span.ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(FrameReader.TryReadFrame(ref buffer, Max, out var frame));
        Assert.Equal(type, frame.Type);
        Assert.Equal(payload, frame.Payload.ToArray());
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void TryReadFrame_LayoutIsTypeThenBigEndianLengthThenPayload()
    {
        var bytes = OutboundFrame.Create(FrameType.Ping, [0xAA, 0xBB]).Span.ToArray();

        Assert.Equal(new byte[] { 0x06, 0x00, 0x00, 0x00, 0x02, 0xAA, 0xBB }, bytes);
    }

    [Fact]
    public void TryReadFrame_OneByteAtATime_NeedsMoreUntilComplete()
    {
        var bytes = OutboundFrame.Create(FrameType.Hello, "{\"x\":1}"u8).Span.ToArray();
        for (var available = 0; available < bytes.Length; available++)
        {
            var partial = Segments.OneBytePerSegment(bytes[..available]);
            Assert.False(FrameReader.TryReadFrame(ref partial, Max, out _), $"frame decoded from only {available} of {bytes.Length} bytes");
            Assert.Equal(available, partial.Length);
        }

        var whole = Segments.OneBytePerSegment(bytes);
        Assert.True(FrameReader.TryReadFrame(ref whole, Max, out var frame));
        Assert.Equal("{\"x\":1}"u8.ToArray(), frame.Payload.ToArray());
    }

    [Fact]
    public async Task FrameReadLoop_PipeFedOneByteAtATime_DecodesEveryFrame()
    {
        var first = OutboundFrame.CreateStream(FrameType.Data, 7, StreamFlags.None, new byte[300]).Span.ToArray();
        var second = OutboundFrame.CreateStreamControl(FrameType.WindowUpdate, 7, 300).Span.ToArray();
        var pipe = new Pipe();
        var seen = new List<(FrameType, long)>();
        var loop = FrameReadLoop.RunAsync(pipe.Reader, Max, (in Frame f) => seen.Add((f.Type, f.Payload.Length)), TestContext.Current.CancellationToken);

        foreach (var b in first.Concat(second))
        {
            await pipe.Writer.WriteAsync(new[] { b }, TestContext.Current.CancellationToken);
        }

        await pipe.Writer.CompleteAsync();
        await loop;
        Assert.Equal([(FrameType.Data, 305L), (FrameType.WindowUpdate, 8L)], seen);
    }

    [Fact]
    public async Task ReadOneAsync_TwoFramesInOneWrite_ReturnsTheSecondWithoutWaitingForMoreBytes()
    {
        // The handshake's last frame and the first request arrive together: the request must not wait in the pipe
        // for the next bytes to come (until the next heartbeat, 15 s, it once did).
        var pipe = new Pipe();
        var both = OutboundFrame.Create(FrameType.Accept, "{}"u8).Span.ToArray()
            .Concat(OutboundFrame.CreateStream(FrameType.RequestHead, 1, StreamFlags.EndStream, "GET / HTTP/1.1\r\n\r\n"u8).Span.ToArray())
            .ToArray();
        await pipe.Writer.WriteAsync(both, TestContext.Current.CancellationToken);

        var accept = await FrameReadLoop.ReadOneAsync(pipe.Reader, Max, TestContext.Current.CancellationToken);
        var request = await FrameReadLoop.ReadOneAsync(pipe.Reader, Max, TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.Equal(FrameType.Accept, accept!.Value.Type);
        Assert.Equal(FrameType.RequestHead, request!.Value.Type);
    }

    [Fact]
    public void TryReadFrame_TwoFramesInOneRead_ReadsBothInOrder()
    {
        var bytes = OutboundFrame.Create(FrameType.Ping, new byte[8]).Span.ToArray()
            .Concat(OutboundFrame.Create(FrameType.Pong, new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }).Span.ToArray())
            .ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(FrameReader.TryReadFrame(ref buffer, Max, out var ping));
        Assert.Equal(FrameType.Ping, ping.Type);
        Assert.True(FrameReader.TryReadFrame(ref buffer, Max, out var pong));
        Assert.Equal(FrameType.Pong, pong.Type);
        Assert.Equal(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 }, pong.Payload.ToArray());
        Assert.False(FrameReader.TryReadFrame(ref buffer, Max, out _));
    }

    [Fact]
    public void TryReadFrame_OversizedLength_FailsOnTheHeaderAlone()
    {
        var header = new byte[5];
        header[0] = (byte)FrameType.Data;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), Max + 1);
        var buffer = new ReadOnlySequence<byte>(header);

        var ex = Assert.Throws<ProtocolException>(() => FrameReader.TryReadFrame(ref buffer, Max, out _));
        Assert.Equal(ProtocolErrorCode.FrameTooLarge, ex.Code);
    }

    [Fact]
    public void TryReadFrame_MaximumLength_IsAccepted()
    {
        var bytes = OutboundFrame.Create(FrameType.Data, new byte[Max]).Span.ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.True(FrameReader.TryReadFrame(ref buffer, Max, out var frame));
        Assert.Equal(Max, frame.Payload.Length);
    }

    [Fact]
    public void TryReadFrame_UnknownType_Fails()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[] { 0x7F, 0, 0, 0, 0 });

        var ex = Assert.Throws<ProtocolException>(() => FrameReader.TryReadFrame(ref buffer, Max, out _));
        Assert.Equal(ProtocolErrorCode.UnknownFrameType, ex.Code);
    }

    [Fact]
    public async Task FrameReadLoop_ConnectionEndsInsideAFrame_ReportsTruncation()
    {
        var bytes = OutboundFrame.Create(FrameType.Hello, new byte[20]).Span.ToArray();
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(bytes.AsMemory(0, 12), TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();

        var ex = await Assert.ThrowsAsync<ProtocolException>(() =>
            FrameReadLoop.RunAsync(pipe.Reader, Max, (in Frame _) => { }, TestContext.Current.CancellationToken));
        Assert.Equal(ProtocolErrorCode.TruncatedFrame, ex.Code);
    }

    [Fact]
    public async Task FrameReadLoop_CleanEnd_ReturnsWithoutError()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(OutboundFrame.Create(FrameType.Ping, new byte[8]).Span.ToArray(), TestContext.Current.CancellationToken);
        await pipe.Writer.CompleteAsync();
        var count = 0;

        await FrameReadLoop.RunAsync(pipe.Reader, Max, (in Frame _) => count++, TestContext.Current.CancellationToken);

        Assert.Equal(1, count);
    }

    [Fact]
    public void StreamFrame_PrefixCarriesIdFlagsAndContent()
    {
        var bytes = OutboundFrame.CreateStream(FrameType.Data, 0x01020304, StreamFlags.EndStream, [9, 8]).Span.ToArray();
        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(FrameReader.TryReadFrame(ref buffer, Max, out var frame));

        var stream = StreamFrame.Parse(frame.Payload);

        Assert.Equal(new byte[] { 0x12, 0, 0, 0, 7, 1, 2, 3, 4, 1, 9, 8 }, bytes);
        Assert.Equal(0x01020304u, stream.StreamId);
        Assert.True(stream.EndStream);
        Assert.Equal(new byte[] { 9, 8 }, stream.Content.ToArray());
    }

    [Fact]
    public void StreamFrame_ShorterThanPrefix_IsMalformed()
    {
        var ex = Assert.Throws<ProtocolException>(() => StreamFrame.Parse(new ReadOnlySequence<byte>(new byte[4])));
        Assert.Equal(ProtocolErrorCode.MalformedPayload, ex.Code);
    }

    [Fact]
    public void StreamFrame_ReservedFlag_IsMalformed()
    {
        var ex = Assert.Throws<ProtocolException>(() => StreamFrame.Parse(new ReadOnlySequence<byte>(new byte[] { 0, 0, 0, 1, 0x80 })));
        Assert.Equal(ProtocolErrorCode.MalformedPayload, ex.Code);
    }

    [Fact]
    public void StreamControl_RoundTripsAndRejectsWrongLength()
    {
        var bytes = OutboundFrame.CreateStreamControl(FrameType.Reset, 42, (uint)StreamResetCode.Timeout).Span.ToArray();
        var parsed = StreamControl.Parse(new ReadOnlySequence<byte>(bytes, 5, 8));

        Assert.Equal(new StreamControl(42, 2), parsed);
        Assert.Throws<ProtocolException>(() => StreamControl.Parse(new ReadOnlySequence<byte>(new byte[7])));
    }
}
