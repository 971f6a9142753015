using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Hosting;

namespace OrleansRelay.Tests.Edge.Hosting;

public sealed class LargeBlockMemoryPoolTests
{
    [Fact]
    public void Rent_AnySizeUpToTheBlock_GivesAWholeBlock_LargerIsRefused()
    {
        using var pool = new LargeBlockMemoryPool();
        foreach (var size in new[] { -1, 0, 1, 2048, 4096, LargeBlockMemoryPool.BlockSize })
        {
            using var lease = pool.Rent(size);
            Assert.Equal(LargeBlockMemoryPool.BlockSize, lease.Memory.Length);
        }

        Assert.Equal(LargeBlockMemoryPool.BlockSize, pool.MaxBufferSize);
        Assert.Throws<ArgumentOutOfRangeException>(() => pool.Rent(LargeBlockMemoryPool.BlockSize + 1));
    }

    [Fact]
    public void ReturnedBlock_IsReused_AndALeaseReturnsItOnlyOnce()
    {
        using var pool = new LargeBlockMemoryPool();
        var first = pool.Rent();
        first.Memory.Span[0] = 42;
        first.Dispose();
        first.Dispose();
        Assert.Throws<ObjectDisposedException>(() => first.Memory);

        using var second = pool.Rent();
        using var third = pool.Rent();
        // One block was returned (once): the second lease reuses it, the third needs a new one.
        Assert.Equal(42, second.Memory.Span[0]);
        Assert.Equal(2, pool.Allocated);
    }

    [Fact]
    public void AtMostMaxRetainedBlocks_WaitForReuse()
    {
        using var pool = new LargeBlockMemoryPool();
        var leases = Enumerable.Range(0, LargeBlockMemoryPool.MaxRetainedBlocks + 10).Select(_ => pool.Rent()).ToList();
        leases.ForEach(l => l.Dispose());
        var again = Enumerable.Range(0, LargeBlockMemoryPool.MaxRetainedBlocks + 10).Select(_ => pool.Rent()).ToList();
        // The 10 beyond the retained ones went to the GC, so renting as many again allocates exactly those 10.
        Assert.Equal(LargeBlockMemoryPool.MaxRetainedBlocks + 20, pool.Allocated);
        again.ForEach(l => l.Dispose());
    }

    [Fact]
    public void FreeBlocks_NoRentNeededForAWholeInterval_GoBackToTheGC_TheRestStay()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        using var pool = new LargeBlockMemoryPool(time);
        var leases = Enumerable.Range(0, 10).Select(_ => pool.Rent()).ToList();
        leases.ForEach(l => l.Dispose());
        Assert.Equal(10, pool.Free);

        // The interval in which they were returned: each was needed (the free list's low-water mark was 0).
        time.Advance(LargeBlockMemoryPool.EvictionInterval);
        Assert.Equal(10, pool.Free);

        // Next interval: 4 are rented and returned (at most 4 in use at once), 6 never left the free list.
        for (var round = 0; round < 3; round++)
        {
            var busy = Enumerable.Range(0, 4).Select(_ => pool.Rent()).ToList();
            busy.ForEach(l => l.Dispose());
        }

        time.Advance(LargeBlockMemoryPool.EvictionInterval);
        Assert.Equal(4, pool.Free);
        Assert.Equal(10, pool.Allocated);

        // An interval with no rent at all: the rest go too.
        time.Advance(LargeBlockMemoryPool.EvictionInterval);
        Assert.Equal(0, pool.Free);
    }

    [Theory]
    [InlineData(true, typeof(LargeBlockMemoryPool))]
    [InlineData(false, null)]
    public void Edge_GivesKestrelsSocketTransportItsPool_UnlessTurnedOff(bool large, Type? expected)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Edge:LargeTransportBuffers"] = large ? "true" : "false";
        builder.Configuration["Edge:AdminKey"] = "test-operator-key-0123456789";
        builder.AddRelayEdge();
        using var services = builder.Services.BuildServiceProvider();
        var pool = services.GetRequiredService<IMemoryPoolFactory<byte>>().Create();
        if (expected is null)
        {
            Assert.IsNotType<LargeBlockMemoryPool>(pool);
        }
        else
        {
            Assert.IsType(expected, pool);
        }

        // The socket transport takes its factory from DI; its options resolve without error either way.
        Assert.NotNull(services.GetRequiredService<IOptions<SocketTransportOptions>>().Value);
        pool.Dispose();
    }
}
