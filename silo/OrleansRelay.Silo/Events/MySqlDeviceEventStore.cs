using MySqlConnector;
using OrleansRelay.Contracts.Model;

namespace OrleansRelay.Silo.Events;

/// <summary>
/// Event logs in MariaDB/MySQL (<c>Storage:Provider=MySql</c>): one row per event plus a cursor row per device, both
/// written in one transaction, so an acknowledged notification survives the loss of any silo.
/// </summary>
internal sealed class MySqlDeviceEventStore : IDeviceEventStore
{
    private readonly string _connectionString;

    public MySqlDeviceEventStore(string connectionString)
    {
        _connectionString = connectionString;
    }

    public async Task<StoredEventLog> LoadAsync(string deviceId, int maxEvents, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        long lastEventId = 0, lastSequence = 0;
        await using (var cursor = new MySqlCommand("SELECT LastEventId, LastSequence FROM OrleansRelayDeviceEventCursor WHERE DeviceId = @d", connection))
        {
            cursor.Parameters.AddWithValue("@d", deviceId);
            await using var reader = await cursor.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                lastEventId = reader.GetInt64(0);
                lastSequence = reader.GetInt64(1);
            }
        }

        var events = new List<DeviceEvent>();
        await using (var query = new MySqlCommand(
            "SELECT EventId, Kind, Data, At FROM OrleansRelayDeviceEvents WHERE DeviceId = @d ORDER BY EventId DESC LIMIT @n", connection))
        {
            query.Parameters.AddWithValue("@d", deviceId);
            query.Parameters.AddWithValue("@n", maxEvents);
            await using var reader = await query.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                events.Add(new DeviceEvent(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), new DateTimeOffset(reader.GetDateTime(3), TimeSpan.Zero)));
            }
        }

        events.Reverse();
        return new StoredEventLog(events, lastEventId, lastSequence);
    }

    public async Task AppendAsync(string deviceId, IReadOnlyList<DeviceEvent> events, long lastSequence, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return;
        }

        await using var connection = await OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var insert = new System.Text.StringBuilder("INSERT INTO OrleansRelayDeviceEvents (DeviceId, EventId, Kind, Data, At) VALUES ");
        await using var command = new MySqlCommand { Connection = connection, Transaction = transaction };
        command.Parameters.AddWithValue("@d", deviceId);
        for (var i = 0; i < events.Count; i++)
        {
            insert.Append(i == 0 ? "" : ", ").Append($"(@d, @id{i}, @k{i}, @data{i}, @at{i})");
            command.Parameters.AddWithValue($"@id{i}", events[i].Id);
            command.Parameters.AddWithValue($"@k{i}", events[i].Kind);
            command.Parameters.AddWithValue($"@data{i}", events[i].Data);
            command.Parameters.AddWithValue($"@at{i}", events[i].At.UtcDateTime);
        }

        command.CommandText = insert.ToString();
        await command.ExecuteNonQueryAsync(cancellationToken);

        await using var cursor = new MySqlCommand(
            """
            INSERT INTO OrleansRelayDeviceEventCursor (DeviceId, LastEventId, LastSequence) VALUES (@d, @e, @s)
            ON DUPLICATE KEY UPDATE LastEventId = GREATEST(LastEventId, VALUES(LastEventId)), LastSequence = GREATEST(LastSequence, VALUES(LastSequence))
            """,
            connection,
            transaction);
        cursor.Parameters.AddWithValue("@d", deviceId);
        cursor.Parameters.AddWithValue("@e", events[^1].Id);
        cursor.Parameters.AddWithValue("@s", lastSequence);
        await cursor.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task TrimAsync(string deviceId, long keepFromId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = new MySqlCommand("DELETE FROM OrleansRelayDeviceEvents WHERE DeviceId = @d AND EventId < @keep", connection);
        command.Parameters.AddWithValue("@d", deviceId);
        command.Parameters.AddWithValue("@keep", keepFromId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }
}
