using System.Buffers.Binary;

namespace OrleansRelay.FunctionalTests.TestUtilities;

/// <summary>
/// A read-only stream of <c>length</c> pseudo-random bytes (xorshift64* from a seed), produced as it is read: the same
/// seed and length always give the same bytes, whatever the read sizes, and no body is ever held in memory.
/// </summary>
internal sealed class DeterministicStream(ulong seed, long length) : Stream
{
    private ulong _state = seed | 1;
    private ulong _word;
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    /// <summary>A seed from a text (a test's id), so the two ends of a transfer agree on it.</summary>
    public static ulong SeedOf(string text) =>
        BinaryPrimitives.ReadUInt64LittleEndian(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        var i = 0;
        while (i < count)
        {
            var offset = (int)(_position & 7);
            if (offset == 0 && count - i >= 8)
            {
                // Whole words: the fast path for aligned reads.
                BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], NextWord());
                i += 8;
                _position += 8;
                continue;
            }

            if (offset == 0)
            {
                _word = NextWord();
            }

            buffer[i++] = (byte)(_word >> (offset * 8));
            _position++;
        }

        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private ulong NextWord()
    {
        // The word is kept for byte-wise reads that stop inside it.
        _state ^= _state >> 12;
        _state ^= _state << 25;
        _state ^= _state >> 27;
        _word = _state * 0x2545F4914F6CDD1DUL;
        return _word;
    }
}
