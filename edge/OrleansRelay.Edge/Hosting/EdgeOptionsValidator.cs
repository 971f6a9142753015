using Microsoft.Extensions.Options;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Hosting;

/// <summary>Refuses to start an edge with settings that cannot work; every message names the setting.</summary>
internal sealed class EdgeOptionsValidator : IValidateOptions<EdgeOptions>
{
    /// <summary>Shortest admin key accepted.</summary>
    public const int MinAdminKeyLength = 16;

    public ValidateOptionsResult Validate(string? name, EdgeOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.AdminKey) || options.AdminKey.Length < MinAdminKeyLength)
        {
            failures.Add($"Edge:AdminKey must be set to a secret of at least {MinAdminKeyLength} characters (the relay is never left open).");
        }

        if (options.FactoryKey is { } factoryKey && (factoryKey.Length < MinAdminKeyLength || factoryKey == options.AdminKey))
        {
            failures.Add($"Edge:FactoryKey must be at least {MinAdminKeyLength} characters and differ from Edge:AdminKey.");
        }

        if (options.DeviceTls is { } tls)
        {
            foreach (var (setting, path) in new[] { ("CertificatePath", tls.CertificatePath), ("KeyPath", tls.KeyPath), ("ClientCaPath", tls.ClientCaPath) })
            {
                if (path is not null && !File.Exists(path))
                {
                    failures.Add($"Edge:DeviceTls:{setting} '{path}' does not exist.");
                }
            }

            if (tls.CertificatePath is null && (tls.KeyPath ?? tls.ClientCaPath) is not null)
            {
                failures.Add("Edge:DeviceTls:CertificatePath must be set when other Edge:DeviceTls settings are.");
            }
        }

        if (!System.Net.IPAddress.TryParse(options.BindAddress, out _))
        {
            failures.Add($"Edge:BindAddress '{options.BindAddress}' is not an IP address.");
        }

        if (options.HttpPort is < 0 or > 65535 || options.DevicePort is < 0 or > 65535)
        {
            failures.Add("Edge:HttpPort and Edge:DevicePort must be between 0 and 65535.");
        }

        if (options.DeviceRequestTimeout <= TimeSpan.Zero || options.DeviceRequestTimeout > TimeSpan.FromMinutes(4))
        {
            failures.Add("Edge:DeviceRequestTimeout must be between 0 and 4 minutes (the grain call times out at 5).");
        }

        if (options.HeartbeatInterval < TimeSpan.FromMilliseconds(100) || options.HelloTimeout <= TimeSpan.Zero || options.SessionRefreshInterval <= TimeSpan.Zero)
        {
            failures.Add("Edge:HeartbeatInterval (>= 100 ms), Edge:HelloTimeout and Edge:SessionRefreshInterval must be positive.");
        }

        if (options.ChunkSize < 1024 || options.ChunkSize > options.MaxFramePayload - ProtocolLimits.StreamPrefixSize)
        {
            failures.Add("Edge:ChunkSize must be at least 1024 and fit in Edge:MaxFramePayload with the 5-byte stream prefix.");
        }

        if (options.MaxFramePayload < ProtocolLimits.DefaultMaxHeadSize + ProtocolLimits.StreamPrefixSize)
        {
            failures.Add($"Edge:MaxFramePayload must be at least {ProtocolLimits.DefaultMaxHeadSize + ProtocolLimits.StreamPrefixSize} bytes (room for an HTTP head).");
        }

        if (options.StreamWindow < options.ChunkSize)
        {
            failures.Add("Edge:StreamWindow must be at least Edge:ChunkSize.");
        }

        if (options.MaxBodyBytes < 0)
        {
            failures.Add("Edge:MaxBodyBytes must be 0 or more.");
        }

        if (options.DataPlaneUpgradePort is < 0 or > 65535)
        {
            failures.Add("Edge:DataPlaneUpgradePort must be a port number (0 picks a free one).");
        }

        if (options.DataPlanePort is < 0 or > 65535)
        {
            failures.Add("Edge:DataPlanePort must be a port number (0 picks a free one).");
        }

        if (options.DataPlaneAdvertiseUrl is { } advertise
            && (!Uri.TryCreate(advertise, UriKind.Absolute, out var advertised) || advertised.Scheme is not ("http" or "https") || advertised.AbsolutePath != "/"))
        {
            failures.Add($"Edge:DataPlaneAdvertiseUrl '{advertise}' must be an absolute http(s) URL with no path, e.g. http://10.0.0.5:5072.");
        }

        if (options.DataPlaneIdleTimeout <= TimeSpan.Zero)
        {
            failures.Add("Edge:DataPlaneIdleTimeout must be positive.");
        }

        if (options.AdmissionRatePerSecond < 1 || options.AdmissionBurst < 1)
        {
            failures.Add("Edge:AdmissionRatePerSecond and Edge:AdmissionBurst must be at least 1.");
        }

        if (options.MaxPendingConnectionsPerAddress < 0)
        {
            failures.Add("Edge:MaxPendingConnectionsPerAddress must be 0 (no limit) or more.");
        }

        if (options.MaxDeviceOutboundBytes < 64 * 1024 || options.DeviceWriteStallTimeout <= TimeSpan.Zero)
        {
            failures.Add("Edge:MaxDeviceOutboundBytes must be at least 64 KiB, and Edge:DeviceWriteStallTimeout must be positive.");
        }

        if (options.EventWriteTimeout <= TimeSpan.Zero)
        {
            failures.Add("Edge:EventWriteTimeout must be positive.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
