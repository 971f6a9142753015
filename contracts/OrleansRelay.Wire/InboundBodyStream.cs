using System.Buffers;
using System.Threading.Channels;

namespace OrleansRelay.Wire;

/// <summary>
/// A read-only stream over the <see cref="FrameType.Data"/> chunks of one incoming stream. The connection's read loop
/// appends chunks; the consumer reads them at its own pace, and every consumed chunk is granted back to the sender
/// (through <c>onConsumed</c>), so the sender can never run more than one window ahead of the consumer.
/// </summary>
public sealed class InboundBodyStream : ReadOnlyStream
{
    private readonly Channel<Chunk> _chunks = Channel.CreateUnbounded<Chunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Action<int> _onConsumed;
    private readonly int _window;
    private long _outstanding;
    private Chunk _current;
    private int _offset;

    /// <summary>Creates the stream. <paramref name="window"/> is the credit the sender starts with.</summary>
    public InboundBodyStream(int window, Action<int> onConsumed)
    {
        _window = window;
        _onConsumed = onConsumed;
    }

    /// <summary>Appends a chunk from the read loop. Returns false when the sender overran its window (a protocol error).</summary>
    public bool Append(in ReadOnlySequence<byte> content)
    {
        if (content.IsEmpty)
        {
            return true;
        }

        var length = (int)content.Length;
        if (Interlocked.Add(ref _outstanding, length) > _window)
        {
            return false;
        }

        var array = ArrayPool<byte>.Shared.Rent(length);
        content.CopyTo(array);
        if (!_chunks.Writer.TryWrite(new Chunk(array, length)))
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        return true;
    }

    /// <summary>Whether a read would complete without waiting: a chunk is here, or the body has ended or failed.</summary>
    public bool CanReadWithoutWaiting =>
        _current.Array is not null || _chunks.Reader.TryPeek(out _) || _chunks.Reader.Completion.IsCompleted;

    /// <summary>Marks the end of the body.</summary>
    public void Complete() => _chunks.Writer.TryComplete();

    /// <summary>Ends the body with an error that the consumer sees on its next read.</summary>
    public void Fail(Exception error) => _chunks.Writer.TryComplete(error);

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        if (_current.Array is null)
        {
            if (!await _chunks.Reader.WaitToReadAsync(cancellationToken) || !_chunks.Reader.TryRead(out _current))
            {
                return 0;
            }

            _offset = 0;
        }

        var count = Math.Min(buffer.Length, _current.Length - _offset);
        _current.Array.AsSpan(_offset, count).CopyTo(buffer.Span);
        _offset += count;
        if (_offset == _current.Length)
        {
            var consumed = _current.Length;
            ArrayPool<byte>.Shared.Return(_current.Array);
            _current = default;
            Interlocked.Add(ref _outstanding, -consumed);
            _onConsumed(consumed);
        }

        return count;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _chunks.Writer.TryComplete();
            if (_current.Array is not null)
            {
                ArrayPool<byte>.Shared.Return(_current.Array);
                _current = default;
            }

            while (_chunks.Reader.TryRead(out var chunk))
            {
                ArrayPool<byte>.Shared.Return(chunk.Array);
            }
        }

        base.Dispose(disposing);
    }

    private readonly record struct Chunk(byte[] Array, int Length);
}
