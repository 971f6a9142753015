namespace OrleansRelay.LoadTest.Devices;

/// <summary>How the simulated devices' REST API behaves.</summary>
internal sealed record DeviceApiOptions
{
    /// <summary>Default size of <c>/status</c> and <c>/readings</c> bodies: the "1 KB GET".</summary>
    public const int DefaultResponseBytes = 1024;

    /// <summary>Body size of <c>GET /status</c> and <c>GET /readings</c> (padded JSON).</summary>
    public int ResponseBytes { get; init; } = DefaultResponseBytes;

    /// <summary>How long the device "works" before answering; zero answers at once.</summary>
    public TimeSpan ServiceTime { get; init; } = TimeSpan.Zero;
}
