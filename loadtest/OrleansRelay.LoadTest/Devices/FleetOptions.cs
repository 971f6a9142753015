namespace OrleansRelay.LoadTest.Devices;

/// <summary>How the simulated fleet connects.</summary>
internal sealed record FleetOptions
{
    /// <summary>Handshakes in flight at once across the fleet (sockets connecting or awaiting accept).</summary>
    public int ConnectConcurrency { get; init; } = 1000;

    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>A device that has not been accepted this long after it started trying gives up (counted).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromSeconds(90);

    public DeviceApiOptions Api { get; init; } = new();
}
