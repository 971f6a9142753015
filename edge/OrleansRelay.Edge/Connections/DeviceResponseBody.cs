using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Connections;

/// <summary>
/// A device's response body as it streams in, optionally after bytes already read (a body that turned out too large
/// or too slow to buffer). Disposing it ends the device's stream: with a reset when the body was not read to its end,
/// so a client that goes away cancels the device's request.
/// </summary>
internal sealed class DeviceResponseBody : ReadOnlyStream
{
    private readonly DeviceConnection _connection;
    private readonly DeviceStream _stream;
    private readonly InboundBodyStream _body;
    private readonly PrefixedStream? _prefixed;
    private int _disposed;

    public DeviceResponseBody(DeviceConnection connection, DeviceStream stream, ReadOnlyMemory<byte> prefix)
    {
        _connection = connection;
        _stream = stream;
        _body = stream.Body ?? throw new ArgumentException("The stream has no body.", nameof(stream));
        _prefixed = prefix.IsEmpty ? null : new PrefixedStream(prefix, _body);
    }

    /// <summary>
    /// Whether a read would complete without waiting for the device (bytes are here, or the body ended): a writer
    /// can add them to what it sends before it flushes.
    /// </summary>
    public bool CanReadWithoutWaiting => _prefixed?.CanReadWithoutWaiting ?? _body.CanReadWithoutWaiting;

    /// <summary>The device stream's id (for logs).</summary>
    public uint StreamId => _stream.StreamId;

    /// <inheritdoc />
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _prefixed is { } prefixed ? prefixed.ReadAsync(buffer, cancellationToken) : _body.ReadAsync(buffer, cancellationToken);

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _connection.EndStream(_stream);
            _body.Dispose();
        }

        base.Dispose(disposing);
    }
}
