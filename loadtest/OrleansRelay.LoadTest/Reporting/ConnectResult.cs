using OrleansRelay.LoadTest.Measurement;

namespace OrleansRelay.LoadTest.Reporting;

/// <summary>A connect storm: how long until every device was accepted, what it cost in memory, what went wrong.</summary>
internal sealed record ConnectResult
{
    public required int Devices { get; init; }

    public required long Connected { get; init; }

    public required double Seconds { get; init; }

    public required long RejectedUnavailable { get; init; }

    public required IReadOnlyDictionary<string, long> Failures { get; init; }

    public long FailureCount => Failures.Values.Sum();

    public required long GaveUp { get; init; }

    public required LatencySummary ConnectTime { get; init; }

    /// <summary>Relay RSS before the devices were provisioned (their grains activated).</summary>
    public double RelayRssBeforeProvisioningMiB { get; init; }

    /// <summary>The relay's memory just before the storm (devices provisioned, none connected).</summary>
    public required RelayMemory Before { get; init; }

    /// <summary>The relay's memory with every device connected, after the settle time.</summary>
    public required RelayMemory After { get; init; }

    public double RelayRssBeforeMiB => Before.RelayRssMiB;

    public double RelayRssAfterMiB => After.RelayRssMiB;

    public double RelayRssGrowthKiBPerDevice => PerDevice(After.RelayRssMiB - Before.RelayRssMiB) ?? 0;

    public double? EdgeRssGrowthKiBPerDevice => PerDevice(After.EdgeRssMiB - Before.EdgeRssMiB);

    public double? SiloRssGrowthKiBPerDevice => PerDevice(After.SiloRssMiB - Before.SiloRssMiB);

    /// <summary>Managed heap after a full GC, growth per connected device (null when the probes did not answer).</summary>
    public double? EdgeHeapGrowthKiBPerDevice => PerDevice(After.EdgeHeapMiB - Before.EdgeHeapMiB);

    public double? SiloHeapGrowthKiBPerDevice => PerDevice(After.SiloHeapMiB - Before.SiloHeapMiB);

    public double? RelayHeapGrowthKiBPerDevice => PerDevice(After.RelayHeapMiB - Before.RelayHeapMiB);

    public double LoadGeneratorRssMiB { get; init; }

    /// <summary>How long the devices stayed connected and quiet before <see cref="EdgeRssIdleMiB"/> was read (null: not read).</summary>
    public double? IdleWaitSeconds { get; init; }

    /// <summary>Edge RSS after the idle wait (the relay's idle memory trim had its chance).</summary>
    public double? EdgeRssIdleMiB { get; init; }

    public double? SiloRssIdleMiB { get; init; }

    public double? RelayRssIdleMiB => EdgeRssIdleMiB + SiloRssIdleMiB;

    /// <summary>Idle RSS growth per connected device from just before the storm (devices provisioned).</summary>
    public double? RelayRssIdleGrowthKiBPerDevice => PerDevice(RelayRssIdleMiB - Before.RelayRssMiB);

    public double? EdgeRssIdleGrowthKiBPerDevice => PerDevice(EdgeRssIdleMiB - Before.EdgeRssMiB);

    public double? SiloRssIdleGrowthKiBPerDevice => PerDevice(SiloRssIdleMiB - Before.SiloRssMiB);

    /// <summary>Idle RSS growth per connected device from the relay before provisioning: the device's whole cost, its grain's activation included.</summary>
    public double? RelayRssIdleGrowthFromEmptyKiBPerDevice => PerDevice(RelayRssIdleMiB - RelayRssBeforeProvisioningMiB);

    private double? PerDevice(double? growthMiB) => growthMiB is { } mib && Connected > 0 ? Math.Round(mib * 1024 / Connected, 2) : null;
}
