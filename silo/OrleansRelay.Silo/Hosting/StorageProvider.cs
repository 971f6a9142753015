namespace OrleansRelay.Silo.Hosting;

/// <summary>Grain storage backends, see <see cref="RelayStorageOptions.Provider"/>.</summary>
public enum StorageProvider
{
    /// <summary>In memory: lost when the silo stops (the embedded default).</summary>
    Memory,

    /// <summary>MariaDB or MySQL through Orleans ADO.NET storage and MySqlConnector.</summary>
    MySql,
}
