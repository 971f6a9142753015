using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using OrleansRelay.Wire.Messages;

namespace OrleansRelay.Device.Outbox;

/// <summary>
/// The on-disk layout of an outbox segment: a header, then records appended one after another, each with its length
/// and a CRC-32 of everything after the checksum, so a record cut short by power loss (or damaged) is recognised.
/// <code>
/// segment header (16 bytes)            record (17 + n bytes)
/// +----------------+---------------+   +------------+------------+--------+--------------+----------------+
/// | magic ORLYOBX1 | floor i64 LE  |   | length u32 | crc32 u32  | kind 1 | sequence i64 | text, n bytes  |
/// +----------------+---------------+   +------------+------------+--------+--------------+----------------+
///                                        length = 9 + n; crc32 covers kind, sequence and text (little-endian)
/// </code>
/// The floor is the highest sequence number handed out before the segment was created: it keeps sequence numbers
/// rising across restarts even after every older segment was deleted.
/// </summary>
internal static class OutboxRecordFormat
{
    /// <summary>Bytes before the first record.</summary>
    public const int HeaderBytes = 16;

    /// <summary>Length and checksum fields before a record's body.</summary>
    public const int PrefixBytes = 8;

    /// <summary>Kind and sequence number at the start of a record's body.</summary>
    public const int BodyFixedBytes = 9;

    /// <summary>Largest record body (kind, sequence, the longest text).</summary>
    public const int MaxBodyBytes = BodyFixedBytes + NotificationMessage.MaxTextBytes;

    private static readonly byte[] Magic = "ORLYOBX1"u8.ToArray();

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Bytes a record with <paramref name="text"/> takes on disk.</summary>
    public static int SizeOf(string text) => PrefixBytes + BodyFixedBytes + StrictUtf8.GetByteCount(text);

    /// <summary>Writes a segment header with <paramref name="floorSequence"/>.</summary>
    public static void WriteHeader(Span<byte> destination, long floorSequence)
    {
        Magic.CopyTo(destination);
        BinaryPrimitives.WriteInt64LittleEndian(destination[Magic.Length..], floorSequence);
    }

    /// <summary>The floor sequence of a segment header, or null when <paramref name="source"/> does not start with one.</summary>
    public static long? ReadHeader(ReadOnlySpan<byte> source) =>
        source.Length >= HeaderBytes && source[..Magic.Length].SequenceEqual(Magic)
            ? BinaryPrimitives.ReadInt64LittleEndian(source[Magic.Length..HeaderBytes])
            : null;

    /// <summary>Appends one record to <paramref name="destination"/>; returns its size.</summary>
    public static int Write(IBufferWriter<byte> destination, OutboxRecordKind kind, long sequence, string text)
    {
        var textBytes = StrictUtf8.GetByteCount(text);
        var size = PrefixBytes + BodyFixedBytes + textBytes;
        var span = destination.GetSpan(size)[..size];
        var body = span[PrefixBytes..];
        body[0] = (byte)kind;
        BinaryPrimitives.WriteInt64LittleEndian(body[1..], sequence);
        StrictUtf8.GetBytes(text, body[BodyFixedBytes..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32.HashToUInt32(body));
        destination.Advance(size);
        return size;
    }

    /// <summary>
    /// Reads the record at the start of <paramref name="source"/>; <paramref name="consumed"/> is its size when
    /// <see cref="OutboxReadStatus.Complete"/>.
    /// </summary>
    public static OutboxReadStatus TryRead(ReadOnlySpan<byte> source, out OutboxRecord record, out int consumed)
    {
        record = default;
        consumed = 0;
        if (source.Length < PrefixBytes)
        {
            return OutboxReadStatus.Truncated;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(source);
        if (length is < BodyFixedBytes or > MaxBodyBytes)
        {
            return OutboxReadStatus.Corrupt;
        }

        if (source.Length - PrefixBytes < length)
        {
            return OutboxReadStatus.Truncated;
        }

        var body = source.Slice(PrefixBytes, (int)length);
        if (Crc32.HashToUInt32(body) != BinaryPrimitives.ReadUInt32LittleEndian(source[4..]))
        {
            return OutboxReadStatus.Corrupt;
        }

        var kind = (OutboxRecordKind)body[0];
        var sequence = BinaryPrimitives.ReadInt64LittleEndian(body[1..]);
        if (kind is not (OutboxRecordKind.Notification or OutboxRecordKind.Acknowledged) || sequence <= 0)
        {
            return OutboxReadStatus.Corrupt;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(body[BodyFixedBytes..]);
        }
        catch (DecoderFallbackException)
        {
            return OutboxReadStatus.Corrupt;
        }

        record = new OutboxRecord(kind, sequence, text);
        consumed = PrefixBytes + (int)length;
        return OutboxReadStatus.Complete;
    }
}
