using System.Data.Common;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace CleanSse.Infrastructure.Persistence.Writing;

/// <summary>
/// The one writer of the database in this process. Writes wait in a queue and one connection runs them: the writes that
/// arrive while a transaction commits go together into the next one (group commit), each inside its own savepoint, so a
/// write that fails is rolled back alone and the others still commit. On SQLite, which lets one connection write at a
/// time, every write passes through here, so none sleeps in SQLite's busy handler racing for the lock. On PostgreSQL the
/// inserts of new rows do (one commit and one round trip for many orders, statements prepared once), and other writes
/// run on the request's own connection (<see cref="WriterDialect.GroupsContextWrites"/>).
/// </summary>
internal sealed partial class GroupCommitWriter : IDatabaseWriter, IAsyncDisposable
{
    // Bounds how long the first write of a group waits for the last one, and the work one failed commit undoes.
    private const int MaxGroupSize = 128;
    private const string Savepoint = "write";

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(
        new UnboundedChannelOptions { SingleReader = true });

    private readonly WriterDialect _dialect;
    private readonly PreparedInsertStatements _inserts;
    private readonly DatabaseWriterMetrics _metrics;
    private readonly ILogger<GroupCommitWriter> _logger;
    private readonly Lazy<Task> _loop;

    public GroupCommitWriter(WriterDialect dialect, PreparedInsertStatements inserts, DatabaseWriterMetrics metrics, ILogger<GroupCommitWriter> logger)
    {
        _dialect = dialect;
        _inserts = inserts;
        _metrics = metrics;
        _logger = logger;
        _loop = new Lazy<Task>(() => Task.Run(RunAsync), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public Task<T> WriteAsync<T>(DbContext context, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(write);
        return _dialect.GroupsContextWrites
            ? Enqueue(new PendingWrite<T>(context, write, cancellationToken))
            : write(cancellationToken);
    }

    public Task<T>? TryWriteOnOwnConnection<T>(Func<DbConnection, DbTransaction, T> statements, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statements);
        return _dialect.GroupsContextWrites ? Enqueue(new PendingWrite<T>(statements, cancellationToken)) : null;
    }

    public async Task SaveChangesAsync(DbContext context, NewRows newRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(newRows);
        if (_inserts.TryCapture(context, newRows.Pending) is not { } added)
        {
            newRows.TrackIn(context);
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
                cancellationToken)
            {
                Inserts = added,
            });
        }
        catch (DbException exception)
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
    public async Task WarmUpInsertsAsync(DbContext context, NewRows newRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(newRows);
        var added = _inserts.TryCapture(context, newRows.Pending) ?? throw new InvalidOperationException("Only added rows can be warmed up.");
        if (_dialect.BatchesInserts)
        {
            // The batch every group of new rows travels in on this database, sent once and rolled back.
            try
            {
                await Enqueue(new PendingWrite<bool>((_, _) => throw new WarmUpRolledBackException(), cancellationToken)
                {
                    Inserts = added,
                    RollsBack = true,
                });
            }
            catch (WarmUpRolledBackException)
            {
            }
        }

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
            throw new ObjectDisposedException(nameof(GroupCommitWriter), "The database writer has stopped.");
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
                    connection ??= await OpenAsync(_dialect);
                    await WriteGroupAsync(_dialect, connection, group);
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

    private static async Task<WriterConnection> OpenAsync(WriterDialect dialect) =>
        new(await dialect.OpenAsync(CancellationToken.None), dialect.PreparesSavepoints);

    private static async Task WriteGroupAsync(WriterDialect dialect, WriterConnection connection, List<PendingWrite> group)
    {
        if (dialect.BatchesInserts
            && group.TrueForAll(write => write.Inserts is not null && write.RollsBack == group[0].RollsBack)
            && await TryWriteBatchAsync(dialect, connection, group, rollBack: group[0].RollsBack))
        {
            return;
        }

        await using var transaction = await dialect.BeginAsync(connection.Connection, CancellationToken.None);
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

    /// <summary>
    /// Sends every insert of the group in one batch, one round trip instead of four per write (its savepoint, its rows,
    /// the release), and commits. False when a statement failed: the transaction is rolled back, and the group is
    /// written again one write at a time, each in its savepoint, so only the failing write fails.
    /// </summary>
    private static async Task<bool> TryWriteBatchAsync(WriterDialect dialect, WriterConnection connection, List<PendingWrite> group, bool rollBack)
    {
        var writes = group.FindAll(write => !write.CancelIfRequested());
        if (writes.Count == 0)
        {
            return true;
        }

        await using var transaction = await dialect.BeginAsync(connection.Connection, CancellationToken.None);
        await using var batch = connection.Connection.CreateBatch();
        batch.Transaction = transaction;
        foreach (var write in writes)
        {
            write.Inserts!.AddTo(batch);
        }

        try
        {
            await batch.PrepareAsync();
            await using (var reader = await batch.ExecuteReaderAsync())
            {
                foreach (var write in writes)
                {
                    await write.Inserts!.ReadGeneratedKeysAsync(reader);
                }
            }

            if (rollBack)
            {
                await transaction.RollbackAsync();
                foreach (var write in writes)
                {
                    write.Fail(new WarmUpRolledBackException());
                }

                return true;
            }

            await transaction.CommitAsync();
        }
        catch (DbException)
        {
            await transaction.RollbackAsync();
            foreach (var write in writes)
            {
                write.Retry();
            }

            return false;
        }
        finally
        {
            // A parameter belongs to one command at a time: a write run again on its own binds the same ones.
            foreach (var command in batch.BatchCommands)
            {
                command.Parameters.Clear();
            }
        }

        foreach (var write in writes)
        {
            write.Succeeded();
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A group of {Count} writes could not be committed")]
    private partial void LogGroupFailed(Exception exception, int count);

    /// <summary>
    /// The writer's connection and the statements every write runs, made once (and prepared where the database allows):
    /// SqliteTransaction's savepoint methods prepared a new statement for each call.
    /// </summary>
    private sealed class WriterConnection(DbConnection connection, bool prepare)
    {
        private readonly DbCommand _save = Create(connection, $"SAVEPOINT \"{Savepoint}\"", prepare);
        private readonly DbCommand _release = Create(connection, $"RELEASE SAVEPOINT \"{Savepoint}\"", prepare);
        private readonly DbCommand _rollBack = Create(connection, $"ROLLBACK TO SAVEPOINT \"{Savepoint}\"", prepare);

        public DbConnection Connection => connection;

        public void Join(DbTransaction transaction)
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

        private static DbCommand Create(DbConnection connection, string sql, bool prepare)
        {
            var command = connection.CreateCommand();
            command.CommandText = sql;
            if (prepare)
            {
                command.Prepare();
            }

            return command;
        }
    }

    private abstract class PendingWrite
    {
        /// <summary>The rows this write inserts, when that is all it does: such writes can be sent as one batch.</summary>
        public PreparedInsertStatements.AddedRows? Inserts { get; init; }

        /// <summary>A warm-up's batch: sent, then rolled back.</summary>
        public bool RollsBack { get; init; }

        /// <summary>True, with the write failed as canceled, when its caller no longer waits for it.</summary>
        public abstract bool CancelIfRequested();

        /// <summary>The write's batch committed.</summary>
        public abstract void Succeeded();

        /// <summary>The write's batch failed and was rolled back: it runs again on its own.</summary>
        public abstract void Retry();

        /// <summary>Runs the write inside the group's transaction: true when it succeeded and waits for the commit.</summary>
        public abstract Task<bool> RunAsync(WriterConnection connection, DbTransaction transaction);

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
        private readonly Func<DbConnection, DbTransaction, T>? _statements;
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
        public PendingWrite(Func<DbConnection, DbTransaction, T> statements, CancellationToken cancellationToken)
        {
            _statements = statements;
            _cancellationToken = cancellationToken;
        }

        public Task<T> Task => _completion.Task;

        public override bool CancelIfRequested()
        {
            if (!_cancellationToken.IsCancellationRequested)
            {
                return false;
            }

            _failure = new OperationCanceledException(_cancellationToken);
            return true;
        }

        public override void Succeeded() => _result = (T)(object)true;

        public override void Retry() => Inserts!.ForgetGeneratedKeys();

        public override async Task<bool> RunAsync(WriterConnection connection, DbTransaction transaction)
        {
            if (CancelIfRequested())
            {
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
        private async Task<T> RunOnAsync(DbConnection connection, DbTransaction transaction)
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
