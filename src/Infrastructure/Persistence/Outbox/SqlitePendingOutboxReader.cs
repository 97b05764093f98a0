using System.Globalization;
using System.Runtime.CompilerServices;
using CleanSse.Infrastructure.Persistence.Reading;
using Microsoft.Data.Sqlite;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>
/// Lists the waiting outbox rows on SQLite with one statement, prepared once per kept-open connection. Every dispatch
/// runs it; as a compiled EF Core query each execution still built a delegate (a dynamic method) for its reader and
/// rented a pooled context, a fiftieth of an order's CPU. The columns are stored as <c>OutboxMessageConfiguration</c>
/// maps them: the time as its UTC ticks, the event id as its text.
/// </summary>
internal sealed class SqlitePendingOutboxReader(SqliteReadConnections connections) : IPendingOutboxReader
{
    // The (DispatchedAt, Id) index serves both the filter and the order.
    private const string Sql = """
        SELECT "Id", "EventId", "TraceParent" FROM "OutboxMessages"
        WHERE "DispatchedAt" IS NULL AND "Id" > $after AND "OccurredAt" <= $before
        ORDER BY "Id" LIMIT $max
        """;

    private readonly ConditionalWeakTable<SqliteConnection, SqliteCommand> _commands = new();

    public Task<List<PendingOutboxRow>> ListAsync(long afterId, DateTimeOffset occurredBefore, int maxCount, CancellationToken cancellationToken) =>
        connections.ReadAsync((connection, token) => ListAsync(connection, afterId, occurredBefore, maxCount, token), cancellationToken);

    private async Task<List<PendingOutboxRow>> ListAsync(
        SqliteConnection connection, long afterId, DateTimeOffset occurredBefore, int maxCount, CancellationToken cancellationToken)
    {
        var command = _commands.GetValue(connection, Prepare);
        command.Parameters[0].Value = afterId;
        command.Parameters[1].Value = occurredBefore.UtcTicks;
        command.Parameters[2].Value = maxCount;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await ReadRowsAsync(reader, cancellationToken);
    }

    /// <summary>
    /// Prepares the statement on a kept-open connection and reads one row of the same shape, so the first order's
    /// dispatch after start does not compile the reading code: on a new database no row waits to be read at start-up.
    /// </summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) =>
        connections.ReadAsync(
            async (connection, token) =>
            {
                _commands.GetValue(connection, Prepare);
                await using var sample = connection.CreateCommand();
                sample.CommandText = "SELECT 0, '00000000-0000-0000-0000-000000000000', NULL";
                await using var reader = await sample.ExecuteReaderAsync(token);
                return await ReadRowsAsync(reader, token);
            },
            cancellationToken);

    private static async Task<List<PendingOutboxRow>> ReadRowsAsync(SqliteDataReader reader, CancellationToken cancellationToken)
    {
        var rows = new List<PendingOutboxRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new PendingOutboxRow(
                reader.GetInt64(0),
                Guid.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return rows;
    }

    private static SqliteCommand Prepare(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        command.Parameters.Add("$after", SqliteType.Integer);
        command.Parameters.Add("$before", SqliteType.Integer);
        command.Parameters.Add("$max", SqliteType.Integer);
        command.Prepare();
        return command;
    }
}
