using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections;

namespace OrleansRelay.Edge.Hosting;

/// <summary>
/// Kestrel's buffers in 32 KiB blocks instead of its default 4 KiB. Kestrel's socket transport receives into one block
/// per <c>recv</c>, so a device streaming a 1 MiB body into its link cost the edge 256 system calls (and as many pipe
/// wake-ups) per MiB; with 32 KiB blocks it is 32. Sends already gather a whole flush's segments into one call.
/// Idle connections hold no block (Kestrel waits for data with a zero-byte read before it rents one), so the size costs
/// memory only while bytes are in flight. Blocks live on the pinned object heap (sockets pin them on every operation).
/// </summary>
/// <remarks>
/// Free blocks are kept for reuse up to <see cref="MaxRetainedBlocks"/>, and every <see cref="EvictionInterval"/> the
/// ones no rent needed during the whole interval (the interval's low-water mark of the free list) go back to the GC.
/// So the pool holds what its peak demand of the last interval needs, not a fixed count: 10,000 idle devices' heartbeats
/// need a few hundred blocks at their peaks, and a fixed 128 made the edge allocate (and the GC collect) 6 MiB/s of
/// blocks while nothing but heartbeats ran.
/// </remarks>
internal sealed class LargeBlockMemoryPool : MemoryPool<byte>
{
    public const int BlockSize = 32 * 1024;

    /// <summary>Free blocks kept per pool at most (64 MiB); Kestrel makes one pool per transport queue.</summary>
    public const int MaxRetainedBlocks = 2048;

    /// <summary>How often free blocks that no rent needed go back to the GC.</summary>
    public static readonly TimeSpan EvictionInterval = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<byte[]> _free = new();
    private readonly ITimer _eviction;
    private int _freeCount;
    private int _lowWater;
    private long _allocated;
    private volatile bool _disposed;

    public LargeBlockMemoryPool()
        : this(TimeProvider.System)
    {
    }

    public LargeBlockMemoryPool(TimeProvider time)
    {
        _eviction = time.CreateTimer(static state => ((LargeBlockMemoryPool)state!).Evict(), this, EvictionInterval, EvictionInterval);
    }

    public override int MaxBufferSize => BlockSize;

    /// <summary>Blocks allocated because none was free (a count that keeps growing means the pool is too small).</summary>
    public long Allocated => Interlocked.Read(ref _allocated);

    /// <summary>Free blocks waiting for reuse.</summary>
    public int Free => Volatile.Read(ref _freeCount);

    public override IMemoryOwner<byte> Rent(int minBufferSize = -1)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(minBufferSize, BlockSize);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_free.TryDequeue(out var block))
        {
            var free = Interlocked.Decrement(ref _freeCount);
            if (free < Volatile.Read(ref _lowWater))
            {
                // A race here only leaves the mark a little high, which evicts a block or two that the next peak reallocates.
                Volatile.Write(ref _lowWater, free);
            }
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

    /// <summary>Gives back to the GC the free blocks that stayed free for the whole interval.</summary>
    private void Evict()
    {
        var unused = Math.Min(Volatile.Read(ref _lowWater), Volatile.Read(ref _freeCount));
        for (var i = 0; i < unused && _free.TryDequeue(out _); i++)
        {
            Interlocked.Decrement(ref _freeCount);
        }

        Volatile.Write(ref _lowWater, Volatile.Read(ref _freeCount));
    }

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        _eviction.Dispose();
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
