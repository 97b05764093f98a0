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
    private readonly ILogger<SqliteGroupWriter> _logger;
    private readonly Lazy<Task> _loop;

    public SqliteGroupWriter(string connectionString, ILogger<SqliteGroupWriter> logger)
    {
        _connectionString = connectionString;
        _logger = logger;
        _loop = new Lazy<Task>(() => Task.Run(RunAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Task<T> WriteAsync<T>(DbContext context, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(write);
        return Enqueue(context, write, cancellationToken);
    }

    /// <summary>Opens the writer's connection and takes the lock once, so the first write after start does not pay for it.</summary>
    public Task WarmUpAsync(CancellationToken cancellationToken) =>
        Enqueue<bool>(null, _ => Task.FromResult(true), cancellationToken);

    private Task<T> Enqueue<T>(DbContext? context, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        _ = _loop.Value;
        var pending = new PendingWrite<T>(context, write, cancellationToken);
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
        SqliteConnection? connection = null;
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
                        await connection.DisposeAsync();
                        connection = null;
                    }
                }

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
                await connection.DisposeAsync();
            }
        }
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        // Other processes (another instance on the same file) and the rare writes that do not pass through here
        // (accounts, keys) can still hold the lock for a moment.
        command.CommandText = SqliteBusyTimeoutInterceptor.SetBusyTimeout;
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task WriteGroupAsync(SqliteConnection connection, List<PendingWrite> group)
    {
        // IMMEDIATE: the write lock is taken at the start, so no statement of the group can fail for lack of it.
        await using var transaction = connection.BeginTransaction(deferred: false);
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

    private abstract class PendingWrite
    {
        /// <summary>Runs the write inside the group's transaction: true when it succeeded and waits for the commit.</summary>
        public abstract Task<bool> RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        /// <summary>The group's commit failed: a write that had succeeded is not kept either.</summary>
        public abstract void Fail(Exception exception);

        /// <summary>Tells the caller the write's outcome, once the group's transaction has ended.</summary>
        public abstract void Complete();
    }

    private sealed class PendingWrite<T>(DbContext? context, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
        : PendingWrite
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private T? _result;
        private Exception? _failure;

        public Task<T> Task => _completion.Task;

        public override async Task<bool> RunAsync(SqliteConnection connection, SqliteTransaction transaction)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                _failure = new OperationCanceledException(cancellationToken);
                return false;
            }

            await transaction.SaveAsync(Savepoint, CancellationToken.None);
            try
            {
                _result = await RunOnAsync(connection, transaction);
                await transaction.ReleaseAsync(Savepoint, CancellationToken.None);
                return true;
            }
            catch (Exception exception)
            {
                _failure = exception;
                await transaction.RollbackAsync(Savepoint, CancellationToken.None);
                await transaction.ReleaseAsync(Savepoint, CancellationToken.None);
                return false;
            }
        }

        public override void Fail(Exception exception) => _failure ??= exception;

        public override void Complete()
        {
            if (_failure is OperationCanceledException canceled && cancellationToken.IsCancellationRequested)
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
            if (context is null)
            {
                return await write(cancellationToken);
            }

            var database = context.Database;
            var ownConnectionString = database.GetConnectionString();
            var autoSavepoints = database.AutoSavepointsEnabled;
            database.SetDbConnection(connection, contextOwnsConnection: false);
            try
            {
                database.AutoSavepointsEnabled = false;
                await database.UseTransactionAsync(transaction, cancellationToken);
                return await write(cancellationToken);
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
}
