using System.Buffers;
using OrleansRelay.Fuzz;

namespace OrleansRelay.Tests.Wire;

/// <summary>Builds multi-segment sequences, so parsers are exercised across segment boundaries (the fuzz targets' splitter).</summary>
internal static class Segments
{
    public static ReadOnlySequence<byte> OneBytePerSegment(byte[] bytes) => Split(bytes, 1);

    public static ReadOnlySequence<byte> Split(byte[] bytes, int segmentSize) => FuzzInput.Split(bytes, segmentSize);
}
