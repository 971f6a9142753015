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

    /// <summary>Whether this head asks for (request) or confirms (response) an HTTP upgrade; always false on data frames.</summary>
    public bool Upgrade => (Flags & StreamFlags.Upgrade) != 0;

    /// <summary>
    /// A head that carries both <see cref="StreamFlags.Upgrade"/> and <see cref="StreamFlags.EndStream"/>: a tunnel
    /// that ends before it starts. A stream error, not a connection error: the receiver resets the stream with
    /// <see cref="StreamResetCode.ProtocolError"/>.
    /// </summary>
    public bool IsInvalidUpgrade => Upgrade && EndStream;

    /// <summary>The frame's content after the prefix (a slice of the payload).</summary>
    public ReadOnlySequence<byte> Content { get; }

    /// <summary>
    /// Splits a stream frame's payload into prefix and content, allowing only <see cref="StreamFlags.EndStream"/>
    /// (data frames, and heads of a peer that does not take part in upgrades).
    /// </summary>
    /// <exception cref="ProtocolException">The payload is shorter than the prefix or a reserved flag is set.</exception>
    public static StreamFrame Parse(in ReadOnlySequence<byte> payload) => Parse(payload, allowUpgrade: false);

    /// <summary>
    /// Splits a stream frame's payload into prefix and content. Pass <paramref name="allowUpgrade"/> true for
    /// <see cref="FrameType.RequestHead"/> and <see cref="FrameType.ResponseHead"/> frames, false for
    /// <see cref="FrameType.Data"/> frames, where <see cref="StreamFlags.Upgrade"/> is a reserved bit. Check
    /// <see cref="IsInvalidUpgrade"/> on heads.
    /// </summary>
    /// <exception cref="ProtocolException">The payload is shorter than the prefix or a reserved flag is set.</exception>
    public static StreamFrame Parse(in ReadOnlySequence<byte> payload, bool allowUpgrade)
    {
        if (payload.Length < ProtocolLimits.StreamPrefixSize)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, "Stream frame shorter than its 5-byte prefix.");
        }

        Span<byte> prefix = stackalloc byte[ProtocolLimits.StreamPrefixSize];
        payload.Slice(0, ProtocolLimits.StreamPrefixSize).CopyTo(prefix);
        var flags = (StreamFlags)prefix[4];
        var allowed = allowUpgrade ? StreamFlags.EndStream | StreamFlags.Upgrade : StreamFlags.EndStream;
        if ((flags & ~allowed) != 0)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, $"Reserved stream flags 0x{prefix[4]:x2} are set.");
        }

        return new StreamFrame(
            BinaryPrimitives.ReadUInt32BigEndian(prefix),
            flags,
            payload.Slice(ProtocolLimits.StreamPrefixSize));
    }
}
