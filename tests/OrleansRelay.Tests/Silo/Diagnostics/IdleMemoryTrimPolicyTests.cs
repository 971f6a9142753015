using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OrleansRelay.Edge.Hosting;
using OrleansRelay.Silo.Diagnostics;

namespace OrleansRelay.Tests.Silo.Diagnostics;

public sealed class IdleMemoryTrimPolicyTests
{
    private const long MiB = 1024 * 1024;
    private static readonly IdleMemoryTrimOptions Options = new()
    {
        CheckInterval = TimeSpan.FromSeconds(5),
        QuietChecks = 2,
        QuietAllocationBytesPerSecond = 4 * MiB,
        MinSurplusBytes = 32 * MiB,
        MinInterval = TimeSpan.FromSeconds(30),
    };

    [Fact]
    public void TrimsAfterTwoQuietChecks_WithEnoughSurplus_ThenWaitsTheMinimumInterval()
    {
        var policy = new Checks(new IdleMemoryTrimPolicy(Options));
        bool Check(int second, long allocatedSince, long committedMiB = 300, long heapMiB = 150) => policy.Check(second, allocatedSince, committedMiB, heapMiB);

        Assert.False(Check(0, 0));                  // the first sample has no rate yet
        Assert.False(Check(5, 1 * MiB));            // quiet 1
        Assert.True(Check(10, 1 * MiB));            // quiet 2, 150 MiB surplus: trim
        Assert.False(Check(15, 0));                 // quiet again, but counting starts over
        Assert.False(Check(20, 0));                 // two quiet checks, but only 10 s since the trim
        Assert.False(Check(35, 0));                 // 25 s
        Assert.True(Check(40, 0));                  // 30 s: the surplus is still there
    }

    [Fact]
    public void BusyCheck_ResetsTheQuietCount_AndASmallSurplusIsLeftAlone()
    {
        var policy = new Checks(new IdleMemoryTrimPolicy(Options));
        bool Check(int second, long allocatedSince, long committedMiB = 300, long heapMiB = 150) => policy.Check(second, allocatedSince, committedMiB, heapMiB);

        Assert.False(Check(0, 0));
        Assert.False(Check(5, 0));                  // quiet 1
        Assert.False(Check(10, 30 * MiB));          // 6 MiB/s: busy, back to 0
        Assert.False(Check(15, 0));                 // quiet 1
        Assert.False(Check(20, 0, committedMiB: 180)); // quiet 2, but only 30 MiB beyond the heap
        Assert.True(Check(25, 0, committedMiB: 183));  // 33 MiB: worth a collection
    }
}

/// <summary>Feeds the policy one check: seconds from the start, bytes allocated since the last check, committed and heap MiB.</summary>
file sealed class Checks(IdleMemoryTrimPolicy policy)
{
    private const long MiB = 1024 * 1024;
    private static readonly DateTimeOffset Start = new(2026, 12, 3, 0, 0, 0, TimeSpan.Zero);
    private long _allocated;

    public bool Check(int second, long allocatedSince, long committedMiB, long heapMiB) =>
        policy.Observe(Start.AddSeconds(second), _allocated += allocatedSince, committedMiB * MiB, heapMiB * MiB);
}

public sealed class IdleMemoryTrimHostingTests
{
    [Fact]
    public async Task Edge_RunsOneTrimmer_EvenWhenAddedTwice_AndBindsItsSection()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration["Edge:AdminKey"] = "test-operator-key-0123456789";
        builder.Configuration["Memory:IdleTrim:Enabled"] = "false";
        builder.Configuration["Memory:IdleTrim:MinInterval"] = "00:05:00";
        builder.AddRelayEdge();
        builder.Services.AddIdleMemoryTrim(); // as the embedded silo does in the same host
        await using var services = builder.Services.BuildServiceProvider();

        var hosted = services.GetServices<IHostedService>();
        Assert.Single(hosted.OfType<IdleMemoryTrimmer>());
        var options = services.GetRequiredService<IOptions<IdleMemoryTrimOptions>>().Value;
        Assert.False(options.Enabled);
        Assert.Equal(TimeSpan.FromMinutes(5), options.MinInterval);
    }
}
