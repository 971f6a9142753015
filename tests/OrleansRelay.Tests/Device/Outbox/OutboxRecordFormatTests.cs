using System.Buffers;
using OrleansRelay.Device.Outbox;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Tests.Device.Outbox;

/// <summary>The outbox's record layout: every prefix of a record is recognised as torn, every flipped bit as corrupt.</summary>
public sealed class OutboxRecordFormatTests
{
    [Fact]
    public void Record_RoundTrips_AndEveryShorterPrefixIsTruncated()
    {
        var buffer = new ArrayBufferWriter<byte>();
        var size = OutboxRecordFormat.Write(buffer, OutboxRecordKind.Notification, 1_732_492_800_000_000, "{\"door\":\"open\"}");
        Assert.Equal(OutboxRecordFormat.SizeOf("{\"door\":\"open\"}"), size);
        Assert.Equal(OutboxReadStatus.Complete, OutboxRecordFormat.TryRead(buffer.WrittenSpan, out var record, out var consumed));
        Assert.Equal((OutboxRecordKind.Notification, 1_732_492_800_000_000L, "{\"door\":\"open\"}", size), (record.Kind, record.Sequence, record.Text, consumed));

        for (var cut = 0; cut < size; cut++)
        {
            Assert.Equal(OutboxReadStatus.Truncated, OutboxRecordFormat.TryRead(buffer.WrittenSpan[..cut], out _, out _));
        }
    }

    [Fact]
    public void Record_WithAnyByteOfItsBodyChanged_IsCorrupt()
    {
        var buffer = new ArrayBufferWriter<byte>();
        OutboxRecordFormat.Write(buffer, OutboxRecordKind.Acknowledged, 42, "text");
        for (var i = OutboxRecordFormat.PrefixBytes; i < buffer.WrittenCount; i++)
        {
            var damaged = buffer.WrittenSpan.ToArray();
            damaged[i] ^= 0x01;
            Assert.Equal(OutboxReadStatus.Corrupt, OutboxRecordFormat.TryRead(damaged, out _, out _));
        }
    }

    [Fact]
    public void Length_BeyondTheLongestNotification_IsCorruptWithoutReadingFurther()
    {
        var bytes = new byte[16];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes, OutboxRecordFormat.BodyFixedBytes + NotificationMessage.MaxTextBytes + 1);
        Assert.Equal(OutboxReadStatus.Corrupt, OutboxRecordFormat.TryRead(bytes, out _, out _));
    }

    [Fact]
    public void Header_CarriesTheSequenceFloor_AndAnythingElseIsNotAHeader()
    {
        var header = new byte[OutboxRecordFormat.HeaderBytes];
        OutboxRecordFormat.WriteHeader(header, 123_456);
        Assert.Equal(123_456, OutboxRecordFormat.ReadHeader(header));
        Assert.Null(OutboxRecordFormat.ReadHeader(header.AsSpan(0, 15)));
        header[0] = (byte)'X';
        Assert.Null(OutboxRecordFormat.ReadHeader(header));
    }
}
