using System.Buffers;

namespace OrleansRelay.Fuzz;

/// <summary>
/// Turns a fuzzer input into what the codec reads: the first byte chooses the segment size, so the same bytes are
/// decoded across segment boundaries the way a pipe hands them over.
/// </summary>
public static class FuzzInput
{
    /// <summary>Splits <paramref name="data"/> (after its first byte) into segments of 1–16 bytes, or one segment.</summary>
    public static ReadOnlySequence<byte> ToSequence(ReadOnlySpan<byte> data)
    {
        if (data.Length <= 1)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var bytes = data[1..].ToArray();
        var size = data[0] % 17;
        return size == 0 ? new ReadOnlySequence<byte>(bytes) : Split(bytes, size);
    }

    /// <summary>A sequence of <paramref name="bytes"/> in segments of <paramref name="segmentSize"/> bytes.</summary>
    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentSize)
    {
        if (bytes.Length == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
