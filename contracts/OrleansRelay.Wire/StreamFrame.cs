using System.Buffers;
using System.Buffers.Binary;

namespace OrleansRelay.Wire;

/// <summary>
/// The prefix shared by stream frames (<see cref="FrameType.RequestHead"/>, <see cref="FrameType.ResponseHead"/>,
/// <see cref="FrameType.Data"/>): a 4-byte big-endian stream id and a flags byte, then the content.
/// </summary>
public readonly struct StreamFrame
{
    private StreamFrame(uint streamId, StreamFlags flags, ReadOnlySequence<byte> content)
    {
        StreamId = streamId;
        Flags = flags;
        Content = content;
    }

    /// <summary>The stream (request) id, chosen by the edge.</summary>
    public uint StreamId { get; }

    /// <summary>The frame's flags.</summary>
    public StreamFlags Flags { get; }

    /// <summary>Whether this is the sender's last frame on the stream.</summary>
    public bool EndStream => (Flags & StreamFlags.EndStream) != 0;

    /// <summary>The frame's content after the prefix (a slice of the payload).</summary>
    public ReadOnlySequence<byte> Content { get; }

    /// <summary>Splits a stream frame's payload into prefix and content.</summary>
    /// <exception cref="ProtocolException">The payload is shorter than the prefix or a reserved flag is set.</exception>
    public static StreamFrame Parse(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length < ProtocolLimits.StreamPrefixSize)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, "Stream frame shorter than its 5-byte prefix.");
        }

        Span<byte> prefix = stackalloc byte[ProtocolLimits.StreamPrefixSize];
        payload.Slice(0, ProtocolLimits.StreamPrefixSize).CopyTo(prefix);
        var flags = (StreamFlags)prefix[4];
        if ((flags & ~StreamFlags.EndStream) != 0)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, $"Reserved stream flags 0x{prefix[4]:x2} are set.");
        }

        return new StreamFrame(
            BinaryPrimitives.ReadUInt32BigEndian(prefix),
            flags,
            payload.Slice(ProtocolLimits.StreamPrefixSize));
    }
}
