using Microsoft.Extensions.Configuration;

namespace OrleansRelay.Silo.Hosting;

/// <summary>Where grain state that must survive a restart lives. Bound from the <c>Storage</c> section.</summary>
public sealed record RelayStorageOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Storage";

    /// <summary><c>Memory</c> (default; lost on restart) or <c>MySql</c> (MariaDB/MySQL through ADO.NET).</summary>
    public StorageProvider Provider { get; init; } = StorageProvider.Memory;

    /// <summary>MySql: apply the schema (idempotently) when the silo starts.</summary>
    public bool ApplySchema { get; init; } = true;

    /// <summary>MySql: the MySqlConnector connection string, from <c>ConnectionStrings:MySql</c>.</summary>
    public string? MySqlConnectionString { get; init; }

    /// <summary>Reads the <c>Storage</c> section and <c>ConnectionStrings:MySql</c>.</summary>
    public static RelayStorageOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<RelayStorageOptions>() ?? new RelayStorageOptions();
        return options with { MySqlConnectionString = options.MySqlConnectionString ?? configuration.GetConnectionString("MySql") };
    }
}
