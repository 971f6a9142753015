using System.Text;
using MySqlConnector;
using OrleansRelay.Contracts.Model.Fleet;

namespace OrleansRelay.Silo.Fleet;

/// <summary>
/// The fleet index as the table <c>OrleansRelayDeviceIndex</c> (storage <c>MySql</c>): one row per registered device,
/// keyed by its id in binary order, so a page is a range read on the primary key. Every silo writes its grains'
/// entries in batches; the row rules of <see cref="DeviceIndexRows"/> are applied in SQL, guarded by the version.
/// </summary>
internal sealed class MySqlDeviceIndexStore : IDeviceIndexStore
{
    // Assignments run left to right and later ones see earlier results: Reason and Since read the old Online, and
    // Version (the guard of every other column) is assigned last.
    private const string Upsert = """
        INSERT INTO OrleansRelayDeviceIndex (DeviceId, Name, Online, Since, Reason, EdgeId, Owner, LastNotificationAt, Version, UpdatedAt) VALUES {0}
        ON DUPLICATE KEY UPDATE
          Reason = IF(VALUES(Version) < Version, Reason,
                     IF(VALUES(Reason) <> '', VALUES(Reason), IF(Online = VALUES(Online), Reason, 'unknown'))),
          Since = IF(VALUES(Version) < Version OR (VALUES(Online) = 0 AND Online = 0), Since, VALUES(Since)),
          Name = IF(VALUES(Version) < Version, Name, VALUES(Name)),
          EdgeId = IF(VALUES(Version) < Version, EdgeId, VALUES(EdgeId)),
          Owner = IF(VALUES(Version) < Version, Owner, VALUES(Owner)),
          LastNotificationAt = IF(LastNotificationAt IS NULL OR VALUES(LastNotificationAt) > LastNotificationAt, VALUES(LastNotificationAt), LastNotificationAt),
          UpdatedAt = IF(VALUES(Version) < Version, UpdatedAt, VALUES(UpdatedAt)),
          Online = IF(VALUES(Version) < Version, Online, VALUES(Online)),
          Version = GREATEST(Version, VALUES(Version))
        """;

    private readonly string _connectionString;

    public MySqlDeviceIndexStore(string connectionString)
    {
        _connectionString = connectionString;
    }

    public async Task ApplyAsync(IReadOnlyList<DeviceIndexEntry> entries, CancellationToken cancellationToken)
    {
        if (entries.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var upserts = entries.Where(e => e.Registered).ToArray();
        if (upserts.Length > 0)
        {
            await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
            var values = new StringBuilder();
            for (var i = 0; i < upserts.Length; i++)
            {
                var e = upserts[i];
                // A new row without a known reason: never connected when offline (only a repair sends none).
                var reason = e.Reason ?? (e.Online ? DeviceIndexEntry.Connected : "");
                values.Append(i == 0 ? "" : ", ").Append($"(@d{i}, @n{i}, @o{i}, @s{i}, @r{i}, @e{i}, @w{i}, @l{i}, @v{i}, UTC_TIMESTAMP(6))");
                command.Parameters.AddWithValue($"@d{i}", e.DeviceId);
                command.Parameters.AddWithValue($"@n{i}", e.Name);
                command.Parameters.AddWithValue($"@o{i}", e.Online);
                command.Parameters.AddWithValue($"@s{i}", e.Since.UtcDateTime);
                command.Parameters.AddWithValue($"@r{i}", e.Online ? DeviceIndexEntry.Connected : reason);
                command.Parameters.AddWithValue($"@e{i}", e.Online ? e.EdgeId : null);
                command.Parameters.AddWithValue($"@w{i}", e.Owner);
                command.Parameters.AddWithValue($"@l{i}", e.LastNotificationAt?.UtcDateTime);
                command.Parameters.AddWithValue($"@v{i}", e.Version);
            }

            command.CommandText = string.Format(System.Globalization.CultureInfo.InvariantCulture, Upsert, values);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var removal in entries.Where(e => !e.Registered))
        {
            await using var delete = new MySqlCommand("DELETE FROM OrleansRelayDeviceIndex WHERE DeviceId = @d AND Version <= @v", connection, transaction);
            delete.Parameters.AddWithValue("@d", removal.DeviceId);
            delete.Parameters.AddWithValue("@v", removal.Version);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<FleetPage> QueryAsync(FleetQuery query, CancellationToken cancellationToken)
    {
        var limit = Math.Max(1, query.Limit);
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection };
        var sql = new StringBuilder("SELECT DeviceId, Name, Online, Since, Reason, EdgeId, Owner, LastNotificationAt FROM OrleansRelayDeviceIndex WHERE 1 = 1");
        if (query.After is { } after)
        {
            sql.Append(" AND DeviceId > @after");
            command.Parameters.AddWithValue("@after", after);
        }

        if (query.Online is { } online)
        {
            sql.Append(" AND Online = @online");
            command.Parameters.AddWithValue("@online", online);
        }

        if (query.Prefix is { Length: > 0 } prefix)
        {
            // The id column is ASCII: compare it only with a prefix that can start an id (no mixed collations).
            sql.Append(FleetPrefix.CanStartId(prefix) ? " AND (DeviceId LIKE @prefix OR Name LIKE @prefix)" : " AND Name LIKE @prefix");
            command.Parameters.AddWithValue("@prefix", EscapeLike(prefix) + "%");
        }

        sql.Append(" ORDER BY DeviceId LIMIT @limit");
        command.Parameters.AddWithValue("@limit", limit + 1);
        command.CommandText = sql.ToString();
        var devices = new List<FleetDevice>(Math.Min(limit + 1, 1001));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add(new FleetDevice(
                reader.GetString(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetBoolean(2),
                Utc(reader.GetDateTime(3)),
                ReadReason(reader.GetString(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.IsDBNull(6) ? null : reader.GetString(6),
                reader.IsDBNull(7) ? null : Utc(reader.GetDateTime(7))));
        }

        var more = devices.Count > limit;
        return new FleetPage([.. devices.Take(limit)], more);
    }

    public async Task<FleetStats> StatsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("SELECT Online, Reason, COUNT(*) FROM OrleansRelayDeviceIndex GROUP BY Online, Reason", connection);
        long registered = 0, online = 0;
        var offline = new Dictionary<string, long>(StringComparer.Ordinal);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var count = reader.GetInt64(2);
            registered += count;
            if (reader.GetBoolean(0))
            {
                online += count;
            }
            else
            {
                var reason = ReadReason(reader.GetString(1));
                offline[reason] = offline.GetValueOrDefault(reason) + count;
            }
        }

        return new FleetStats(registered, online, offline);
    }

    public async Task<string[]> FindSuspectsAsync(DateTimeOffset before, IReadOnlyCollection<string>? liveEdges, int max, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand { Connection = connection };
        var condition = "UpdatedAt < @before";
        if (liveEdges is not null)
        {
            var names = liveEdges.Select((edge, i) =>
            {
                command.Parameters.AddWithValue($"@edge{i}", edge);
                return $"@edge{i}";
            }).ToArray();
            condition += names.Length == 0 ? " OR 1 = 1" : $" OR EdgeId IS NULL OR EdgeId NOT IN ({string.Join(", ", names)})";
        }

        command.CommandText = $"SELECT DeviceId FROM OrleansRelayDeviceIndex WHERE Online = 1 AND ({condition}) LIMIT @max";
        command.Parameters.AddWithValue("@before", before.UtcDateTime);
        command.Parameters.AddWithValue("@max", max);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetString(0));
        }

        return [.. ids];
    }

    /// <summary>Rows written without a known reason say so.</summary>
    private static string ReadReason(string stored) => stored.Length == 0 ? DeviceIndexRows.Unknown : stored;

    private static DateTimeOffset Utc(DateTime value) => new(DateTime.SpecifyKind(value, DateTimeKind.Utc));

    private static string EscapeLike(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
