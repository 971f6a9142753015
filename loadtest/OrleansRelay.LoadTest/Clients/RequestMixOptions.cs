namespace OrleansRelay.LoadTest.Clients;

/// <summary>What the simulated clients ask for.</summary>
internal sealed record RequestMixOptions
{
    /// <summary>Share of GETs (the rest are POSTed commands), 0–1.</summary>
    public double GetRatio { get; init; } = 1.0;

    /// <summary>Share of the GETs that read the cacheable <c>/status</c>; the rest read live <c>/readings</c> with <c>Cache-Control: no-cache</c>.</summary>
    public double CachedRatio { get; init; }

    /// <summary>How many of the online devices the clients address (0 = all).</summary>
    public int TargetDevices { get; init; }

    /// <summary>Size of a POSTed command body.</summary>
    public int PostBytes { get; init; } = 128;
}
