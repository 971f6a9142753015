using System.Buffers;
using OrleansRelay.Wire;

namespace OrleansRelay.Fuzz;

/// <summary>
/// Fuzz target for the frame codec: decodes frames from the input and each frame's payload by its type, as the edge
/// and the daemon do. Bad input may only raise <see cref="ProtocolException"/>; anything else (an index error, an
/// unexpected exception type, a decoded frame over the limit) escapes and is a crash.
/// </summary>
public static class FrameTarget
{
    /// <summary>The payload limit the target decodes under (a small one, so length checks are reached often).</summary>
    public const int MaxPayload = 64 * 1024;

    /// <summary>Runs one input.</summary>
    public static void Run(ReadOnlySpan<byte> data)
    {
        var buffer = FuzzInput.ToSequence(data);
        var total = buffer.Length;
        try
        {
            while (FrameReader.TryReadFrame(ref buffer, MaxPayload, out var frame))
            {
                Check(frame.Payload.Length <= MaxPayload, "a decoded payload is over the limit");
                Check(buffer.Length < total, "a frame was decoded without consuming bytes");
                total = buffer.Length;
                DecodePayload(frame);
            }
        }
        catch (ProtocolException)
        {
            // The one allowed outcome of bad input.
        }
    }

    private static void DecodePayload(Frame frame)
    {
        try
        {
            PayloadDecoder.Decode(frame);
        }
        catch (ProtocolException)
        {
            // A bad payload in one frame; keep decoding the rest, as a stream error would.
        }
    }

    internal static void Check(bool condition, string what)
    {
        if (!condition)
        {
            throw new FuzzInvariantException(what);
        }
    }
}
