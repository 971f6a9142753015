using System.Reflection;
using MySqlConnector;

namespace OrleansRelay.Silo.Storage;

/// <summary>Applies <c>MySqlSchema.sql</c> (our implementation of the Orleans ADO.NET storage contract), idempotently.</summary>
public static class MySqlSchema
{
    /// <summary>The ADO.NET invariant that makes Orleans load MySqlConnector.</summary>
    public const string Invariant = "MySql.Data.MySqlConnector";

    private const string Separator = "-- @@";

    /// <summary>The schema's statements, in order.</summary>
    public static IReadOnlyList<string> Statements()
    {
        using var stream = typeof(MySqlSchema).Assembly.GetManifestResourceStream("OrleansRelay.MySqlSchema.sql")
            ?? throw new InvalidOperationException("The embedded schema script is missing.");
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd()
            .Split('\n')
            .Aggregate(new List<List<string>> { new() }, (parts, line) =>
            {
                if (line.Trim() == Separator)
                {
                    parts.Add([]);
                }
                else
                {
                    parts[^1].Add(line);
                }

                return parts;
            })
            .Select(lines => string.Join('\n', lines.Where(l => !l.TrimStart().StartsWith("--", StringComparison.Ordinal))).Trim())
            .Where(statement => statement.Length > 0)];
    }

    /// <summary>Creates the database named in <paramref name="connectionString"/> if needed, then applies every statement.</summary>
    /// <returns>How many statements ran.</returns>
    public static async Task<int> ApplyAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        var database = builder.Database;
        if (!string.IsNullOrEmpty(database))
        {
            builder.Database = string.Empty;
            await using var server = new MySqlConnection(builder.ConnectionString);
            await server.OpenAsync(cancellationToken);
            await using var create = new MySqlCommand($"CREATE DATABASE IF NOT EXISTS `{database.Replace("`", "``", StringComparison.Ordinal)}` CHARACTER SET utf8mb4", server);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        var statements = Statements();
        foreach (var statement in statements)
        {
            await using var command = new MySqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return statements.Count;
    }
}
