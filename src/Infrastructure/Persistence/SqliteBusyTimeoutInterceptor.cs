using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CleanSse.Infrastructure.Persistence;

/// <summary>
/// Lets SQLite itself wait, in short steps, for a concurrent writer to commit. Without a busy timeout SQLite answers
/// "busy" at once and Microsoft.Data.Sqlite retries only every 150 ms, so two orders posted at the same moment would
/// cost the second one 150 ms.
/// </summary>
internal sealed class SqliteBusyTimeoutInterceptor : DbConnectionInterceptor
{
    internal const string SetBusyTimeout = "PRAGMA busy_timeout = 5000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = SetBusyTimeout;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.CommandText = SetBusyTimeout;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
