namespace OrleansRelay.Edge.Connections;

/// <summary>
/// A device's response body as it streams in, optionally after bytes already read (a body that turned out too large
/// or too slow to buffer). Disposing it ends the device's stream: with a reset when the body was not read to its end,
/// so a client that goes away cancels the device's request.
/// </summary>
internal sealed class DeviceResponseBody : Stream
{
    private readonly DeviceConnection _connection;
    private readonly DeviceStream _stream;
    private readonly Stream _source;
    private ReadOnlyMemory<byte> _prefix;
    private int _disposed;

    public DeviceResponseBody(DeviceConnection connection, DeviceStream stream, ReadOnlyMemory<byte> prefix)
    {
        _connection = connection;
        _stream = stream;
        _source = stream.Body ?? throw new ArgumentException("The stream has no body.", nameof(stream));
        _prefix = prefix;
    }

    /// <summary>The device stream's id (for logs).</summary>
    public uint StreamId => _stream.StreamId;

    /// <summary>Whether the body ran over the edge's body limit (the read then failed).</summary>
    public bool TooLarge => _stream.TooLarge;

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_prefix.IsEmpty)
        {
            var count = Math.Min(buffer.Length, _prefix.Length);
            _prefix[..count].CopyTo(buffer);
            _prefix = _prefix[count..];
            return count;
        }

        return await _source.ReadAsync(buffer, cancellationToken);
    }

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override bool CanRead => true;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override bool CanWrite => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override void Flush()
    {
    }

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _connection.EndStream(_stream);
            _source.Dispose();
        }

        base.Dispose(disposing);
    }
}
