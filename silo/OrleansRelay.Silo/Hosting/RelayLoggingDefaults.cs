using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;

namespace OrleansRelay.Silo.Hosting;

/// <summary>
/// Log levels every relay host starts from, whatever its working directory (an <c>appsettings.json</c> is found only
/// in the content root, so a host started elsewhere would log everything at <c>Information</c>): the relay's own
/// categories at <c>Information</c>; Orleans, Polly (whose resilience pipelines Orleans runs for every grain placement)
/// and ASP.NET Core at <c>Warning</c>. Added as the first configuration source, so
/// <c>appsettings.json</c>, environment variables and <c>--Logging:LogLevel:…</c> arguments still override them.
/// </summary>
/// <remarks>
/// Category filters match by prefix: <c>Orleans</c> also matches <c>OrleansRelay.*</c>, hence the explicit
/// <c>OrleansRelay</c> entry (the longer prefix wins).
/// </remarks>
public static class RelayLoggingDefaults
{
    /// <summary>The defaults, as configuration keys.</summary>
    public static IReadOnlyDictionary<string, string?> Levels { get; } = new Dictionary<string, string?>
    {
        ["Logging:LogLevel:Default"] = "Information",
        ["Logging:LogLevel:OrleansRelay"] = "Information",
        ["Logging:LogLevel:Orleans"] = "Warning",
        ["Logging:LogLevel:Polly"] = "Warning",
        ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
    };

    /// <summary>
    /// Puts the defaults under every other source of <paramref name="configuration"/>; with
    /// <paramref name="quietHostLifetime"/> also the host's "Now listening on" lines (the demo prints its own banner).
    /// </summary>
    public static void AddTo(IConfigurationBuilder configuration, bool quietHostLifetime = false)
    {
        var levels = new Dictionary<string, string?>(Levels);
        if (quietHostLifetime)
        {
            levels["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Warning";
        }

        configuration.Sources.Insert(0, new MemoryConfigurationSource { InitialData = levels });
    }
}
