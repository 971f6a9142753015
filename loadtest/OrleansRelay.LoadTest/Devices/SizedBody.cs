using System.Text;

namespace OrleansRelay.LoadTest.Devices;

/// <summary>
/// A JSON body of a chosen size without storing it: the device's document with a <c>"pad"</c> member of 'x's,
/// produced slice by slice straight into outbound frames. <c>{...doc...,"pad":"xxxx"}</c>.
/// </summary>
internal readonly struct SizedBody
{
    private static readonly byte[] PadStart = Encoding.ASCII.GetBytes(",\"pad\":\"");
    private static readonly byte[] PadEnd = Encoding.ASCII.GetBytes("\"}");

    private readonly byte[] _document;
    private readonly int _padding;

    public SizedBody(byte[] document, int size)
    {
        _document = document;
        var fixedPart = document.Length - 1 + PadStart.Length + PadEnd.Length;
        _padding = Math.Max(0, size - fixedPart);
        Length = fixedPart + _padding;
    }

    public int Length { get; }

    /// <summary>Copies <c>destination.Length</c> bytes of the body starting at <paramref name="offset"/>.</summary>
    public void CopyTo(int offset, Span<byte> destination)
    {
        var written = 0;
        written += CopyPart(_document.AsSpan(0, _document.Length - 1), ref offset, destination[written..]);
        written += CopyPart(PadStart, ref offset, destination[written..]);
        var pad = Math.Min(Math.Max(0, _padding - offset), destination.Length - written);
        destination.Slice(written, pad).Fill((byte)'x');
        written += pad;
        offset = Math.Max(0, offset - _padding);
        CopyPart(PadEnd, ref offset, destination[written..]);
    }

    private static int CopyPart(ReadOnlySpan<byte> part, ref int offset, Span<byte> destination)
    {
        if (offset >= part.Length)
        {
            offset -= part.Length;
            return 0;
        }

        var count = Math.Min(part.Length - offset, destination.Length);
        part.Slice(offset, count).CopyTo(destination);
        offset = 0;
        return count;
    }
}
