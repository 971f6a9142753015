using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Connections;

/// <summary>A read-only stream: bytes already read from <paramref name="rest"/>, then the rest of it.</summary>
internal sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : ReadOnlyStream
{
    private ReadOnlyMemory<byte> _prefix = prefix;

    /// <summary>Whether a read would complete without waiting (known only when the rest is a device's body).</summary>
    public bool CanReadWithoutWaiting => !_prefix.IsEmpty || rest is InboundBodyStream { CanReadWithoutWaiting: true };

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_prefix.IsEmpty)
        {
            return await rest.ReadAsync(buffer, cancellationToken);
        }

        var count = Math.Min(buffer.Length, _prefix.Length);
        _prefix[..count].CopyTo(buffer);
        _prefix = _prefix[count..];
        return count;
    }
}
