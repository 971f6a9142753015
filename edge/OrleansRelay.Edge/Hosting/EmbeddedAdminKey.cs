using Microsoft.Extensions.Configuration;
using OrleansRelay.Silo.Hosting;
using OrleansRelay.Wire;

namespace OrleansRelay.Edge.Hosting;

/// <summary>
/// The embedded default must run with nothing configured, yet the relay is never left open: when no admin key is
/// configured in embedded mode, one is generated for this run. Every other mode must configure its key.
/// </summary>
public static class EmbeddedAdminKey
{
    /// <summary>Generates and installs an admin key when the configuration is embedded and has none. Returns the generated key, if any.</summary>
    public static string? EnsureForEmbedded(IConfigurationManager configuration)
    {
        var cluster = RelayClusterOptions.From(configuration);
        var key = configuration[$"{EdgeOptions.SectionName}:{nameof(EdgeOptions.AdminKey)}"];
        if (cluster.Mode != ClusterMode.Embedded || !string.IsNullOrWhiteSpace(key))
        {
            return null;
        }

        var generated = DeviceAuthentication.GenerateSecret();
        configuration[$"{EdgeOptions.SectionName}:{nameof(EdgeOptions.AdminKey)}"] = generated;
        return generated;
    }
}
