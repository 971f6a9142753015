using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace OrleansRelay.Edge.Hosting;

/// <summary>
/// Kestrel's buffers in 32 KiB blocks instead of its default 4 KiB. Kestrel's socket transport receives into one block
/// per <c>recv</c>, so a device streaming a 1 MiB body into its link cost the edge 256 system calls (and as many pipe
/// wake-ups) per MiB; with 32 KiB blocks it is 32. Sends already gather a whole flush's segments into one call.
/// Idle connections hold no block (Kestrel waits for data with a zero-byte read before it rents one), so the size costs
/// memory only while bytes are in flight. Blocks live on the pinned object heap (sockets pin them on every operation);
/// at most <see cref="MaxRetainedBlocks"/> wait for reuse, any beyond that go back to the GC.
/// </summary>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 32 * 1024;

    /// <summary>
    /// Blocks kept for reuse per pool: 4 MiB. Kestrel makes one pool per transport queue (one per core, at most 16), so
    /// an edge keeps at most 4 MiB per core of free blocks; a burst beyond that allocates and lets the GC take them back.
    /// </summary>
    public const int MaxRetainedBlocks = 128;

    private readonly ConcurrentQueue<byte[]> _free = new();
    private int _freeCount;
    private long _allocated;
    private volatile bool _disposed;

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks allocated because none was free (a count that keeps growing means the pool is too small).</summary>
    public long Allocated => Interlocked.Read(ref _allocated);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryDequeue(out var block))
        {
            Interlocked.Decrement(ref _freeCount);
        }
        else
        {
            block = GC.AllocateUninitializedArray<byte>(BlockSize, pinned: true);
            Interlocked.Increment(ref _allocated);
        }

        return new Lease(this, block);
    }

    private void Return(byte[] block)
    {
        if (_disposed || Interlocked.Increment(ref _freeCount) > MaxRetainedBlocks)
        {
            Interlocked.Decrement(ref _freeCount);
            return;
        }

        _free.Enqueue(block);
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _free.Clear();
    }

    /// <summary>One rented block; disposing it returns the block (once).</summary>
    private sealed class Lease(LargeBlockMemoryPool pool, byte[] block) : IMemoryOwner<byte>
    {
        private byte[]? _block = block;

        public Memory<byte> Memory => _block is { } b ? b : throw new ObjectDisposedException(nameof(Lease));

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _block, null) is { } b)
            {
                pool.Return(b);
            }
        }
    }
}

/// <summary>Gives Kestrel <see cref="LargeBlockMemoryPool"/>s (one per transport queue, as it asks).</summary>
internal sealed class LargeBlockMemoryPoolFactory : IMemoryPoolFactory<byte>
{
    public MemoryPool<byte> Create(MemoryPoolOptions? options = null) => new LargeBlockMemoryPool();
}
