using System.Data.Common;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace CleanSse.Infrastructure.Persistence.Writing;

/// <summary>
/// The one writer of a SQLite database in this process. SQLite lets one connection write at a time; connections that
/// race for the lock sleep in its busy handler, in steps of up to 100 ms. Here every write waits in a queue instead, and
/// one connection runs them: the writes that arrive while a transaction commits go together into the next one (group
/// commit), each inside its own savepoint, so a write that fails is rolled back alone and the others still commit.
/// </summary>
internal sealed partial class SqliteGroupWriter : IDatabaseWriter, IAsyncDisposable
{
    // Bounds how long the first write of a group waits for the last one, and the work one failed commit undoes.
    private const int MaxGroupSize = 128;
    private const string Savepoint = "write";

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true });

    private readonly string _connectionString;
    private readonly SqliteInsertStatements _inserts;
    private readonly DatabaseWriterMetrics _metrics;
    private readonly ILogger<SqliteGroupWriter> _logger;
    private readonly Lazy<Task> _loop;

    public SqliteGroupWriter(string connectionString, SqliteInsertStatements inserts, DatabaseWriterMetrics metrics, ILogger<SqliteGroupWriter> logger)
    {
        _connectionString = connectionString;
        _inserts = inserts;
        _metrics = metrics;
        _logger = logger;
        _loop = new Lazy<Task>(() => Task.Run(RunAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Task<T> WriteAsync<T>(DbContext context, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(write);
        return Enqueue(new PendingWrite<T>(context, write, cancellationToken));
    }

    public async Task SaveChangesAsync(DbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_inserts.TryCapture(context) is not { } added)
        {
            await WriteAsync(context, token => context.SaveChangesAsync(acceptAllChangesOnSuccess: false, token), cancellationToken);
            return;
        }

        try
        {
            await Enqueue(new PendingWrite<bool>(
                (connection, transaction) =>
                {
                    added.Insert(connection, transaction);
                    return true;
                },
                cancellationToken));
        }
        catch (SqliteException exception)
        {
            // What SaveChanges throws for the same failure, so callers tell a taken key from a lost disk alike.
            throw new DbUpdateException("An error occurred while saving the entity changes. See the inner exception for details.", exception, added.Entries);
        }

        added.ApplyGeneratedKeys();
    }

    /// <summary>Opens the writer's connection and takes the lock once, so the first write after start does not pay for it.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) =>
        Enqueue(new PendingWrite<bool>(null, _ => Task.FromResult(true), cancellationToken));

    /// <summary>
    /// Inserts what <paramref name="context"/> added as <see cref="SaveChangesAsync"/> does, then rolls it back: prepares
    /// the statements before the first request needs them.
    /// </summary>
    public async Task WarmUpInsertsAsync(DbContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var added = _inserts.TryCapture(context) ?? throw new InvalidOperationException("Only added rows can be warmed up.");
        try
        {
            await Enqueue(new PendingWrite<bool>(
                (connection, transaction) =>
                {
                    added.Insert(connection, transaction);
                    throw new WarmUpRolledBackException();
                },
                cancellationToken));
        }
        catch (WarmUpRolledBackException)
        {
        }
    }

    private Task<T> Enqueue<T>(PendingWrite<T> pending)
    {
        _ = _loop.Value;
        if (!_queue.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SqliteGroupWriter), "The database writer has stopped.");
        }

        return pending.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_loop.IsValueCreated)
        {
            await _loop.Value;
        }
    }

    private async Task RunAsync()
    {
        var group = new List<PendingWrite>(MaxGroupSize);
        WriterConnection? connection = null;
        try
        {
            while (await _queue.Reader.WaitToReadAsync())
            {
                while (group.Count < MaxGroupSize && _queue.Reader.TryRead(out var next))
                {
                    group.Add(next);
                }

                try
                {
                    connection ??= await OpenAsync();
                    await WriteGroupAsync(connection, group);
                }
                catch (Exception exception)
                {
                    // The transaction is gone (the disk, the file, the connection): no write of the group is kept.
                    LogGroupFailed(exception, group.Count);
                    foreach (var write in group)
                    {
                        write.Fail(exception);
                    }

                    if (connection is not null)
                    {
                        await connection.Connection.DisposeAsync();
                        connection = null;
                    }
                }

                _metrics.GroupWritten(group.Count);
                foreach (var write in group)
                {
                    write.Complete();
                }

                group.Clear();
            }
        }
        finally
        {
            if (connection is not null)
            {
                await connection.Connection.DisposeAsync();
            }
        }
    }

    private async Task<WriterConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // Other processes (another instance on the same file) and the rare writes that do not pass through here
        // (accounts, keys) can still hold the lock for a moment.
        command.CommandText = SqliteBusyTimeoutInterceptor.SetBusyTimeout;
        await command.ExecuteNonQueryAsync();
        return new WriterConnection(connection);
    }

    private static async Task WriteGroupAsync(WriterConnection connection, List<PendingWrite> group)
    {
        // IMMEDIATE: the write lock is taken at the start, so no statement of the group can fail for lack of it.
        await using var transaction = connection.Connection.BeginTransaction(deferred: false);
        connection.Join(transaction);
        var written = 0;
        foreach (var write in group)
        {
            if (await write.RunAsync(connection, transaction))
            {
                written++;
            }
        }

        if (written > 0)
        {
            await transaction.CommitAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A group of {Count} writes could not be committed")]
    private partial void LogGroupFailed(Exception exception, int count);

    /// <summary>
    /// The writer's connection and the statements every write runs, prepared once: SqliteTransaction's savepoint
    /// methods prepared a new statement for each call.
    /// </summary>
    private sealed class WriterConnection(SqliteConnection connection)
    {
        private readonly SqliteCommand _save = Prepare(connection, $"SAVEPOINT \"{Savepoint}\"");
        private readonly SqliteCommand _release = Prepare(connection, $"RELEASE SAVEPOINT \"{Savepoint}\"");
        private readonly SqliteCommand _rollBack = Prepare(connection, $"ROLLBACK TO SAVEPOINT \"{Savepoint}\"");

        public SqliteConnection Connection => connection;

        public void Join(SqliteTransaction transaction)
        {
            _save.Transaction = transaction;
            _release.Transaction = transaction;
            _rollBack.Transaction = transaction;
        }

        public void Save() => _save.ExecuteNonQuery();

        public void Release() => _release.ExecuteNonQuery();

        public void RollBack()
        {
            _rollBack.ExecuteNonQuery();
            _release.ExecuteNonQuery();
        }

        private static SqliteCommand Prepare(SqliteConnection connection, string sql)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Prepare();
            return command;
        }
    }

    private abstract class PendingWrite
    {
        /// <summary>Runs the write inside the group's transaction: true when it succeeded and waits for the commit.</summary>
        public abstract Task<bool> RunAsync(WriterConnection connection, SqliteTransaction transaction);

        /// <summary>The group's commit failed: a write that had succeeded is not kept either.</summary>
        public abstract void Fail(Exception exception);

        /// <summary>Tells the caller the write's outcome, once the group's transaction has ended.</summary>
        public abstract void Complete();
    }

    private sealed class PendingWrite<T> : PendingWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly DbContext? _context;
        private readonly Func<CancellationToken, Task<T>>? _write;
        private readonly Func<SqliteConnection, SqliteTransaction, T>? _statements;
        private readonly CancellationToken _cancellationToken;
        private T? _result;
        private Exception? _failure;

        /// <summary>A write of <paramref name="context"/>'s, or (without one) of nothing but the group's transaction.</summary>
        public PendingWrite(DbContext? context, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
        {
            _context = context;
            _write = write;
            _cancellationToken = cancellationToken;
        }

        /// <summary>Statements run on the writer's connection itself.</summary>
        public PendingWrite(Func<SqliteConnection, SqliteTransaction, T> statements, CancellationToken cancellationToken)
        {
            _statements = statements;
            _cancellationToken = cancellationToken;
        }

        public Task<T> Task => _completion.Task;

        public override async Task<bool> RunAsync(WriterConnection connection, SqliteTransaction transaction)
        {
            if (_cancellationToken.IsCancellationRequested)
            {
                _failure = new OperationCanceledException(_cancellationToken);
                return false;
            }

            connection.Save();
            try
            {
                _result = _statements is not null
                    ? _statements(connection.Connection, transaction)
                    : await RunOnAsync(connection.Connection, transaction);
                connection.Release();
                return true;
            }
            catch (Exception exception)
            {
                _failure = exception;
                connection.RollBack();
                return false;
            }
        }

        public override void Fail(Exception exception) => _failure ??= exception;

        public override void Complete()
        {
            if (_failure is OperationCanceledException canceled && _cancellationToken.IsCancellationRequested)
            {
                _completion.TrySetCanceled(canceled.CancellationToken);
            }
            else if (_failure is not null)
            {
                _completion.TrySetException(_failure);
            }
            else
            {
                _completion.TrySetResult(_result!);
            }
        }

        // The context writes on the writer's connection and transaction, then gets its own connection back for what
        // the request reads afterwards. Its own savepoints are left out: this write already has one.
        private async Task<T> RunOnAsync(SqliteConnection connection, SqliteTransaction transaction)
        {
            if (_context is null)
            {
                return await _write!(_cancellationToken);
            }

            var database = _context.Database;
            var ownConnectionString = database.GetConnectionString();
            var autoSavepoints = database.AutoSavepointsEnabled;
            database.SetDbConnection(connection, contextOwnsConnection: false);
            try
            {
                database.AutoSavepointsEnabled = false;
                await database.UseTransactionAsync(transaction, _cancellationToken);
                return await _write!(_cancellationToken);
            }
            finally
            {
                await database.UseTransactionAsync(null, CancellationToken.None);
                database.AutoSavepointsEnabled = autoSavepoints;
                database.SetDbConnection(null, contextOwnsConnection: false);
                database.SetConnectionString(ownConnectionString);
            }
        }
    }

    private sealed class WarmUpRolledBackException : Exception;
}
