using System.Buffers;
using System.Buffers.Binary;

namespace OrleansRelay.Wire;

/// <summary>
/// Decodes frames from a byte sequence. Pure and synchronous: the caller owns the I/O.
/// </summary>
/// <remarks>
/// <code>
/// +--------+--------+--------+--------+--------+=================+
/// |  TYPE  |        LENGTH (uint32, big-endian)  |  PAYLOAD ...    |
/// +--------+--------+--------+--------+--------+=================+
///   1 byte              4 bytes                   LENGTH bytes
/// </code>
/// The length is checked against the maximum before any payload is buffered, so an
/// oversized frame is refused as soon as its header arrives.
/// </remarks>
public static class FrameReader
{
    /// <summary>
    /// Tries to read one frame from the start of <paramref name="buffer"/>. On success the buffer is sliced past
    /// the frame and the frame's payload is a slice of the original buffer.
    /// </summary>
    /// <returns><c>false</c> when more bytes are needed.</returns>
    /// <exception cref="ProtocolException">The header names an unknown type or a payload over <paramref name="maxPayload"/>.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, int maxPayload, out Frame frame)
    {
        frame = default;
        if (buffer.Length < ProtocolLimits.FrameHeaderSize)
        {
            return false;
        }

        Span<byte> header = stackalloc byte[ProtocolLimits.FrameHeaderSize];
        buffer.Slice(0, ProtocolLimits.FrameHeaderSize).CopyTo(header);
        var type = (FrameType)header[0];
        if (!IsKnown(type))
        {
            throw new ProtocolException(ProtocolErrorCode.UnknownFrameType, $"Unknown frame type 0x{header[0]:x2}.");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxPayload)
        {
            throw new ProtocolException(
                ProtocolErrorCode.FrameTooLarge,
                $"Frame of type {type} declares {length} payload bytes; the maximum is {maxPayload}.");
        }

        var total = ProtocolLimits.FrameHeaderSize + (long)length;
        if (buffer.Length < total)
        {
            return false;
        }

        frame = new Frame(type, buffer.Slice(ProtocolLimits.FrameHeaderSize, length));
        buffer = buffer.Slice(total);
        return true;
    }

    /// <summary>Whether <paramref name="type"/> is a frame type of this protocol version.</summary>
    public static bool IsKnown(FrameType type) => type switch
    {
        FrameType.Challenge or FrameType.Hello or FrameType.Accept or FrameType.Reject or FrameType.GoAway
            or FrameType.Ping or FrameType.Pong or FrameType.RequestHead or FrameType.ResponseHead
            or FrameType.Data or FrameType.Reset or FrameType.WindowUpdate or FrameType.CacheInvalidate
            or FrameType.Notification or FrameType.NotificationAck => true,
        _ => false,
    };
}
