using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace OrleansRelay.Wire.Messages;

/// <summary>
/// Payload of <see cref="FrameType.Notification"/>: the daemon's sequence number (8 bytes, big-endian; strictly
/// increasing over the device's life, so the relay can drop a resent duplicate) followed by the text, UTF-8, at most
/// <see cref="MaxTextBytes"/> bytes, no line breaks.
/// </summary>
public readonly record struct NotificationMessage(long Sequence, string Text)
{
    /// <summary>Most notifications a device may have sent and not had acknowledged; an edge closes a connection beyond it.</summary>
    public const int MaxUnacknowledged = 256;

    /// <summary>Longest notification text in bytes.</summary>
    public const int MaxTextBytes = 64 * 1024;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Why <paramref name="text"/> cannot be sent, or null.</summary>
    public static string? Validate(string text)
    {
        if (text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal))
        {
            return "A notification is one line: it may not contain CR or LF.";
        }

        var bytes = StrictUtf8.GetByteCount(text);
        return bytes > MaxTextBytes ? $"A notification may be at most {MaxTextBytes} bytes of UTF-8; this one has {bytes}." : null;
    }

    /// <summary>Encodes the frame.</summary>
    /// <exception cref="ArgumentException">The text is not a valid notification.</exception>
    public OutboundFrame ToFrame()
    {
        if (Validate(Text) is { } problem)
        {
            throw new ArgumentException(problem, nameof(Text));
        }

        var payload = new byte[sizeof(long) + StrictUtf8.GetByteCount(Text)];
        BinaryPrimitives.WriteInt64BigEndian(payload, Sequence);
        StrictUtf8.GetBytes(Text, payload.AsSpan(sizeof(long)));
        return OutboundFrame.Create(FrameType.Notification, payload);
    }

    /// <summary>Decodes and validates a payload.</summary>
    /// <exception cref="ProtocolException">The payload is not a valid notification.</exception>
    public static NotificationMessage Parse(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length < sizeof(long) || payload.Length > sizeof(long) + MaxTextBytes)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, $"A notification payload has 8 to {sizeof(long) + MaxTextBytes} bytes, not {payload.Length}.");
        }

        var bytes = payload.ToArray();
        var sequence = BinaryPrimitives.ReadInt64BigEndian(bytes);
        if (sequence <= 0)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, "A notification's sequence number must be positive.");
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(bytes, sizeof(long), bytes.Length - sizeof(long));
        }
        catch (DecoderFallbackException)
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, "A notification's text is not valid UTF-8.");
        }

        if (text.Contains('\n', StringComparison.Ordinal) || text.Contains('\r', StringComparison.Ordinal))
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, "A notification may not contain CR or LF.");
        }

        return new NotificationMessage(sequence, text);
    }

    /// <summary>The acknowledgement frame for everything up to <paramref name="sequence"/>.</summary>
    public static OutboundFrame AckFrame(long sequence)
    {
        Span<byte> payload = stackalloc byte[sizeof(long)];
        BinaryPrimitives.WriteInt64BigEndian(payload, sequence);
        return OutboundFrame.Create(FrameType.NotificationAck, payload);
    }

    /// <summary>Decodes an acknowledgement.</summary>
    /// <exception cref="ProtocolException">The payload is not 8 bytes.</exception>
    public static long ParseAck(in ReadOnlySequence<byte> payload)
    {
        if (payload.Length != sizeof(long))
        {
            throw new ProtocolException(ProtocolErrorCode.MalformedPayload, $"A notification acknowledgement has 8 bytes, not {payload.Length}.");
        }

        Span<byte> bytes = stackalloc byte[sizeof(long)];
        payload.CopyTo(bytes);
        return BinaryPrimitives.ReadInt64BigEndian(bytes);
    }
}
