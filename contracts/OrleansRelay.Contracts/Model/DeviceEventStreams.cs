namespace OrleansRelay.Contracts.Model;

/// <summary>
/// The names under which every device's events are published in the cluster: stream (or broadcast channel) provider
/// <see cref="ProviderName"/>, namespace <see cref="Namespace"/>, key = device id. Consumer grains subscribe
/// implicitly by this namespace.
/// </summary>
public static class DeviceEventStreams
{
    /// <summary>The provider name the silo registers.</summary>
    public const string ProviderName = "device-events";

    /// <summary>The stream namespace; the key is the device id.</summary>
    public const string Namespace = "device-events";
}
