using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CleanSse.Infrastructure.Persistence.Reading;

/// <summary>
/// SQLite connections kept open for the hot reads (an order by id, a page of orders). Opening one through EF Core
/// costs every read a turn on Microsoft.Data.Sqlite's pool lock, EF Core's functions registered again, and the busy
/// timeout set again; in WAL mode an open connection reads the latest commit at each statement, so it can simply stay
/// open. A read takes an idle connection (or opens one when all are busy) and gives it back afterwards; at most
/// <see cref="MaxIdle"/> wait between reads.
/// </summary>
internal sealed class SqliteReadConnections(string connectionString) : IDatabaseReader, IDisposable
{
    private static readonly int MaxIdle = Math.Max(4, Environment.ProcessorCount * 2);

    private readonly ConcurrentBag<SqliteConnection> _idle = [];
    private int _idleCount;
    private bool _disposed;

    public Task<T> ReadAsync<T>(DbContext context, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(read);
        var database = context.Database;
        if (database.CurrentTransaction is not null)
        {
            // The read belongs to the context's transaction.
            return read(cancellationToken);
        }

        return ReadAsync(
            async (connection, token) =>
            {
                var ownConnectionString = database.GetConnectionString();
                database.SetDbConnection(connection, contextOwnsConnection: false);
                try
                {
                    return await read(token);
                }
                finally
                {
                    database.SetDbConnection(null, contextOwnsConnection: false);
                    database.SetConnectionString(ownConnectionString);
                }
            },
            cancellationToken);
    }

    /// <summary>Runs <paramref name="read"/> on a kept-open connection, which no one else uses meanwhile.</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        var connection = Take();
        var healthy = false;
        try
        {
            var result = await read(connection, cancellationToken);
            healthy = true;
            return result;
        }
        finally
        {
            Return(connection, healthy);
        }
    }

    private SqliteConnection Take()
    {
        if (_idle.TryTake(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            return connection;
        }

        connection = new SqliteConnection(connectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = SqliteBusyTimeoutInterceptor.SetBusyTimeout;
        command.ExecuteNonQuery();
        return connection;
    }

    // A read that failed may have left the connection in any state (a reader open, an interrupted statement): it is
    // closed rather than handed to the next read.
    private void Return(SqliteConnection connection, bool healthy)
    {
        if (healthy && !Volatile.Read(ref _disposed) && Interlocked.Increment(ref _idleCount) <= MaxIdle)
        {
            _idle.Add(connection);
            return;
        }

        if (healthy && !Volatile.Read(ref _disposed))
        {
            Interlocked.Decrement(ref _idleCount);
        }

        connection.Dispose();
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (_idle.TryTake(out var connection))
        {
            connection.Dispose();
        }
    }
}
