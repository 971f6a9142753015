namespace OrleansRelay.Silo.Hosting;

/// <summary>Names the silo configuration and the grains agree on.</summary>
public static class RelaySiloDefaults
{
    /// <summary>Grain storage provider for device registrations.</summary>
    public const string DeviceStorageName = "devices";

    /// <summary>Grain storage provider for accounts and confirmation links.</summary>
    public const string AccountStorageName = "accounts";
}
