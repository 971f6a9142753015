using System.Buffers;

namespace OrleansRelay.Wire;

/// <summary>One decoded frame. <see cref="Payload"/> is a slice of the reader's buffer: consume it before advancing the reader.</summary>
public readonly struct Frame
{
    /// <summary>Creates a frame view.</summary>
    public Frame(FrameType type, ReadOnlySequence<byte> payload)
    {
        Type = type;
        Payload = payload;
    }

    /// <summary>The frame type.</summary>
    public FrameType Type { get; }

    /// <summary>The payload bytes (a slice, not a copy).</summary>
    public ReadOnlySequence<byte> Payload { get; }
}
