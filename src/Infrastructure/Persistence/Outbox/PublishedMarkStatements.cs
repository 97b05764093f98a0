using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>
/// Marks published outbox rows on the writer's own connection (SQLite), one row at a time through a statement
/// prepared once per connection. The batch's statement built through EF Core (its text changing with the batch's
/// size) was parsed by SQLite and turned into a command again for every dispatch. The values are stored as EF Core
/// stores them: the time as its UTC ticks, the event id as its upper-case text.
/// </summary>
internal sealed class PublishedMarkStatements
{
    private const string Sql = """
        UPDATE "OutboxMessages" SET "DispatchedAt" = $at, "LogPosition" = $position
        WHERE "EventId" = $id AND "DispatchedAt" IS NULL
        """;

    private readonly ConditionalWeakTable<DbConnection, DbCommand> _prepared = new();

    /// <summary>Runs inside the writer's transaction; a row already marked (by another dispatch) keeps its mark.</summary>
    public int Mark(DbConnection connection, DbTransaction transaction, DateTimeOffset dispatchedAt, IReadOnlyList<Guid> eventIds, IReadOnlyList<string> positions)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(eventIds);
        ArgumentNullException.ThrowIfNull(positions);
        var command = _prepared.GetValue(connection, Prepare);
        command.Transaction = transaction;
        command.Parameters[0].Value = dispatchedAt.UtcTicks;
        var marked = 0;
        for (var i = 0; i < eventIds.Count; i++)
        {
            command.Parameters[1].Value = positions[i];
            command.Parameters[2].Value = StoredText(eventIds[i]);
            marked += command.ExecuteNonQuery();
        }

        return marked;
    }

    /// <summary>An event id as SQLite keeps it (EF Core's mapping): a raw guid parameter would be bound as a blob.</summary>
    private static string StoredText(Guid eventId) => eventId.ToString("D", CultureInfo.InvariantCulture).ToUpperInvariant();

    private static DbCommand Prepare(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = Sql;
        foreach (var name in (string[])["$at", "$position", "$id"])
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
