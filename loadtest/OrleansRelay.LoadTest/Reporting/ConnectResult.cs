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

    /// <summary>Relay RSS just before the storm (devices provisioned, none connected).</summary>
    public required double RelayRssBeforeMiB { get; init; }

    public required double RelayRssAfterMiB { get; init; }

    public double RelayRssGrowthKiBPerDevice => Connected == 0 ? 0 : Math.Round((RelayRssAfterMiB - RelayRssBeforeMiB) * 1024 / Connected, 2);

    public double LoadGeneratorRssMiB { get; init; }
}
