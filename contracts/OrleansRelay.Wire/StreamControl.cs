using System.Buffers;
using System.Buffers.Binary;

namespace OrleansRelay.Wire;

/// <summary>
/// Payload of <see cref="FrameType.Reset"/> and <see cref="FrameType.WindowUpdate"/>: a 4-byte big-endian stream id
/// and a 4-byte big-endian value (reset code or window increment).
/// </summary>
public readonly record struct StreamControl(uint StreamId, uint Value)
{
    /// <summary>Payload length of a stream control frame.</summary>
    public const int Size = 8;

    /// <summary>Parses the 8-byte payload.</summary>
    /// <exception cref="ProtocolException">The payload is not exactly 8 bytes.</exception>
    public static StreamControl Parse(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length != Size)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, $"Stream control payload must be {Size} bytes, got {payload.Length}.");
        }

        Span<byte> bytes = stackalloc byte[Size];
        payload.CopyTo(bytes);
        return new StreamControl(BinaryPrimitives.ReadUInt32BigEndian(bytes), BinaryPrimitives.ReadUInt32BigEndian(bytes[4..]));
    }
}
