using Microsoft.Extensions.Logging;
using MySqlConnector;
using OrleansRelay.Silo.Hosting;

namespace OrleansRelay.Silo.Storage;

/// <summary>Applies the MySQL schema before a silo starts, waiting a bounded time for the database to come up.</summary>
public static partial class SchemaSetup
{
    /// <summary>Applies the schema when the storage is MySql and <see cref="RelayStorageOptions.ApplySchema"/> is set.</summary>
    /// <exception cref="InvalidOperationException">The database could not be reached within <paramref name="timeout"/>.</exception>
    public static async Task EnsureAsync(RelayStorageOptions storage, ILogger logger, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (storage.Provider != StorageProvider.MySql || !storage.ApplySchema)
        {
            return;
        }

        var connectionString = storage.MySqlConnectionString
            ?? throw new InvalidOperationException("Storage:Provider is MySql but ConnectionStrings:MySql is not set.");
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var statements = await MySqlSchema.ApplyAsync(connectionString, cancellationToken);
                Log.Applied(logger, statements, new MySqlConnectionStringBuilder(connectionString).Database);
                return;
            }
            catch (MySqlException ex) when (DateTime.UtcNow < deadline && ex.ErrorCode is MySqlErrorCode.UnableToConnectToHost)
            {
                Log.Waiting(logger, ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
            catch (MySqlException ex)
            {
                throw new InvalidOperationException($"Could not apply the storage schema: {ex.Message}", ex);
            }
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1100, LogLevel.Information, "Storage schema applied ({Statements} statements) to database '{Database}'")]
        public static partial void Applied(ILogger logger, int statements, string database);

        [LoggerMessage(1101, LogLevel.Warning, "Waiting for the database: {Detail}")]
        public static partial void Waiting(ILogger logger, string detail);
    }
}
