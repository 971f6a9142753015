using System.Buffers;
using OrleansRelay.Device.Notifications;
using OrleansRelay.Wire;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Tests.Wire;

public sealed class NotificationMessageTests
{
    [Fact]
    public void Frames_MatchTheProtocolDocument()
    {
        var notification = new NotificationMessage(1_732_492_800_000_000, "{\"door\":\"open\"}");

        Assert.Equal(
            Convert.FromHexString("2100000017" + "000627B169EB8000" + "7B22646F6F72223A226F70656E227D"),
            notification.ToFrame().Span.ToArray());
        Assert.Equal(Convert.FromHexString("2200000008" + "000627B169EB8000"), NotificationMessage.AckFrame(notification.Sequence).Span.ToArray());
    }

    [Fact]
    public void Parse_RoundTripsTextAndSequence()
    {
        var notification = new NotificationMessage(42, "température 21,5 °C");
        var frame = notification.ToFrame().Span.ToArray();

        Assert.Equal(notification, NotificationMessage.Parse(new ReadOnlySequence<byte>(frame.AsMemory(ProtocolLimits.FrameHeaderSize))));
        Assert.Equal(42, NotificationMessage.ParseAck(new ReadOnlySequence<byte>(NotificationMessage.AckFrame(42).Span.ToArray().AsMemory(ProtocolLimits.FrameHeaderSize))));
    }

    [Theory]
    [InlineData("0000000000000000")]
    [InlineData("00000000000001")]
    [InlineData("0000000000000001FF")]
    [InlineData("0000000000000001410A42")]
    public void Parse_RefusesZeroSequenceShortPayloadInvalidUtf8AndLineBreaks(string payloadHex)
    {
        var payload = new ReadOnlySequence<byte>(Convert.FromHexString(payloadHex));

        Assert.Throws<ProtocolException>(() => NotificationMessage.Parse(payload));
    }

    [Fact]
    public void Validate_RefusesLineBreaksAndOverlongText()
    {
        Assert.NotNull(NotificationMessage.Validate("a\nb"));
        Assert.NotNull(NotificationMessage.Validate(new string('x', NotificationMessage.MaxTextBytes + 1)));
        Assert.Null(NotificationMessage.Validate(new string('x', NotificationMessage.MaxTextBytes)));
    }

    [Fact]
    public async Task Outbox_NumbersAboveEveryEarlierNotification_KeepsUntilAcknowledged_AndRefusesWhenFull()
    {
        var time = new SteppingClock { Now = DateTimeOffset.FromUnixTimeMilliseconds(1_000) };
        using var outbox = new NotificationOutbox(capacity: 3, time);
        await outbox.AddAsync("a");
        await outbox.AddAsync("b");
        time.Now = DateTimeOffset.FromUnixTimeMilliseconds(500);
        await outbox.AddAsync("c");
        var full = await Assert.ThrowsAsync<NotificationRefusedException>(() => outbox.AddAsync("d"));
        Assert.Equal(NotificationRefusal.OutboxFull, full.Reason);

        var pending = outbox.After(0);
        Assert.Equal(["a", "b", "c"], pending.Select(n => n.Text));
        Assert.True(pending[0].Sequence < pending[1].Sequence && pending[1].Sequence < pending[2].Sequence, "strictly increasing even when the clock steps back");

        outbox.Acknowledge(pending[1].Sequence);
        Assert.Equal(["c"], outbox.After(0).Select(n => n.Text));
        Assert.Equal(0, outbox.CountUpTo(pending[1].Sequence));
        Assert.True(await outbox.AddAsync("d") > pending[2].Sequence);
    }

    /// <summary>A clock that can be set back (an NTP step on a device), which FakeTimeProvider refuses.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
