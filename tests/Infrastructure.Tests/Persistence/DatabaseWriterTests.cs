using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics.Metrics;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders.Events;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Persistence.Writing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>
/// Writes to the store as the service wires them: through one writer, one transaction at a time, in groups, each write
/// with its own outcome; and contexts that share their options instead of building them per request. On SQLite every
/// write passes through the writer; on PostgreSQL the inserts of new rows do.
/// </summary>
public abstract class DatabaseWriterTests(StoreKind kind) : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly WriteRecorder _writes = new();
    private TemporaryStore _store = null!;
    private WriterGroups _groups = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    protected ServiceProvider Services => _store.Services;

    public async ValueTask InitializeAsync()
    {
        _store = await TemporaryStore.CreateAsync(kind, _writes, Token);
        _groups = new WriterGroups(Services.GetRequiredService<IMeterFactory>());
    }

    public async ValueTask DisposeAsync()
    {
        _groups.Dispose();
        await _store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task Concurrent_orders_are_written_by_one_connection_so_none_waits_for_the_write_lock()
    {
        // Issue 13: under concurrent POSTs most threads slept in SQLite's busy handler, each request's connection
        // waiting for another's write lock; on PostgreSQL each order cost its own transaction, EF Core's command
        // building and an unprepared statement.
        const int orders = 32;
        using var start = new ManualResetEventSlim();
        var saves = Enumerable.Range(0, orders).Select(_ => Task.Run(
            async () =>
            {
                start.Wait(Token);
                await SaveNewOrderAsync();
            },
            Token)).ToArray();
        start.Set();
        await Task.WhenAll(saves);

        _writes.Inserts("Orders").ShouldBeEmpty("no request's own connection inserts; the writer's does");
        _writes.Inserts("OutboxMessages").ShouldBeEmpty();
        _groups.Writes.Sum().ShouldBe(orders, "every order written by the writer");
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        (await db.Orders.CountAsync(Token)).ShouldBe(orders);
        (await db.OutboxMessages.CountAsync(Token)).ShouldBe(orders);
    }

    [Fact]
    public async Task Writes_that_arrive_while_the_writer_is_busy_commit_together_in_the_next_transaction()
    {
        await using (var hold = await HoldWriterAsync())
        {
            var saves = Enumerable.Range(0, 16).Select(_ => SaveNewOrderAsync()).ToArray();
            await hold.ReleaseAsync();
            await Task.WhenAll(saves);
        }

        // The held write's group, then the sixteen together: one group, one commit.
        _groups.Writes.ShouldBe([1, 16]);
        Services.GetRequiredService<IDatabaseWriter>().ShouldBeOfType<GroupCommitWriter>();
    }

    [Fact]
    public async Task A_write_that_fails_is_undone_alone_and_the_rest_of_its_group_commits()
    {
        var taken = NewOrder();
        await SaveAsync(taken);

        Task<OrderCreated> first, duplicate, last;
        await using (var hold = await HoldWriterAsync())
        {
            first = SaveAsync(NewOrder());
            duplicate = SaveAsync(Order.Create(taken.Id, "customer-2", "Bob", [new OrderLine("PEN-1", 1, 1m)], null, Now));
            last = SaveAsync(NewOrder());
            await hold.ReleaseAsync();
            await Should.ThrowAsync<DbUpdateException>(() => duplicate);
            await Task.WhenAll(first, last);
        }

        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        (await db.Orders.CountAsync(Token)).ShouldBe(kind == StoreKind.Postgres ? 4 : 3, "the held write's order too on PostgreSQL");
        (await db.Orders.SingleAsync(order => order.Id == taken.Id, Token)).Customer.ShouldBe("Ada");
        var stored = await db.OutboxMessages.Select(message => message.EventId).ToListAsync(Token);
        stored.ShouldContain((await first).EventId);
        stored.ShouldContain((await last).EventId);
        stored.Count.ShouldBe(kind == StoreKind.Postgres ? 4 : 3, "the failed order's event is not stored");
    }

    [Fact]
    public async Task After_its_write_a_context_reads_on_its_own_connection_again()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var order = NewOrder();
        scope.ServiceProvider.GetRequiredService<IOrderRepository>().Add(order);
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Token);

        _writes.Inserts("Orders").ShouldBeEmpty("the writer's connection inserted it");
        db.Database.GetDbConnection().State.ShouldBe(System.Data.ConnectionState.Closed);
        (await db.Orders.AsNoTracking().CountAsync(Token)).ShouldBe(1);
    }

    [Fact]
    public async Task A_new_order_and_its_outbox_row_are_written_without_the_change_tracker()
    {
        // Issue 13: tracking a new order (its graph of owned lines and their fix-up) was an eighth of a POST's CPU.
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var order = NewOrder();
        scope.ServiceProvider.GetRequiredService<IOrderRepository>().Add(order);
        var created = OrderCreated.For(order, Now);
        scope.ServiceProvider.GetRequiredService<IIntegrationEvents>().Raise(created);
        db.ChangeTracker.Entries().ShouldBeEmpty("added, not tracked");

        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Token);

        db.ChangeTracker.Entries().ShouldBeEmpty("committed, and still not tracked");
        var stored = await scope.ServiceProvider.GetRequiredService<IOrderRepository>().FindAsync(order.Id, Token);
        stored.ShouldNotBeNull().ShouldNotBeSameAs(order, "read back from the database");
        stored.Lines.ShouldBe(order.Lines);
        stored.Total.ShouldBe(order.Total);
        var message = await db.OutboxMessages.AsNoTracking().SingleAsync(row => row.EventId == created.EventId, Token);
        message.Id.ShouldBeGreaterThan(0);
    }

    [Fact]
    public async Task A_warm_up_runs_the_inserts_and_keeps_nothing_and_the_first_order_after_it_is_written()
    {
        // On PostgreSQL the warm-up sends the group batch too, so the first order after start does not compile it.
        await using (var scope = Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            var newRows = scope.ServiceProvider.GetRequiredService<NewRows>();
            var order = NewOrder();
            scope.ServiceProvider.GetRequiredService<IOrderRepository>().Add(order);
            newRows.Add(new CleanSse.Infrastructure.Persistence.Outbox.OutboxMessage
            {
                EventId = Guid.NewGuid(),
                Type = "order-created",
                Version = 1,
                Payload = "{}",
                OccurredAt = Now,
            });
            await scope.ServiceProvider.GetRequiredService<GroupCommitWriter>().WarmUpInsertsAsync(db, newRows, Token);
        }

        await using (var check = Services.CreateAsyncScope())
        {
            var db = check.ServiceProvider.GetRequiredService<OrdersDbContext>();
            (await db.Orders.CountAsync(Token)).ShouldBe(0);
            (await db.OutboxMessages.CountAsync(Token)).ShouldBe(0);
        }

        var created = await SaveAsync(NewOrder());
        await using var after = Services.CreateAsyncScope();
        var stored = after.ServiceProvider.GetRequiredService<OrdersDbContext>();
        (await stored.Orders.CountAsync(Token)).ShouldBe(1);
        (await stored.OutboxMessages.SingleAsync(Token)).EventId.ShouldBe(created.EventId);
    }

    [Fact]
    public async Task A_new_order_saved_beside_a_change_to_another_is_written_by_SaveChanges_with_it()
    {
        var existing = NewOrder();
        await SaveAsync(existing);

        await using var scope = Services.CreateAsyncScope();
        var orders = scope.ServiceProvider.GetRequiredService<IOrderRepository>();
        var read = (await orders.FindAsync(existing.Id, Token)).ShouldNotBeNull();
        read.ChangeStatus(OrderStatus.Paid, Now.AddMinutes(1));
        var order = NewOrder();
        orders.Add(order);
        scope.ServiceProvider.GetRequiredService<IIntegrationEvents>().Raise(OrderCreated.For(order, Now));
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Token);

        await using var check = Services.CreateAsyncScope();
        var db = check.ServiceProvider.GetRequiredService<OrdersDbContext>();
        (await db.Orders.AsNoTracking().SingleAsync(stored => stored.Id == existing.Id, Token)).Status.ShouldBe(OrderStatus.Paid);
        (await db.Orders.AsNoTracking().SingleAsync(stored => stored.Id == order.Id, Token)).Lines.ShouldBe(order.Lines);
        (await db.OutboxMessages.CountAsync(Token)).ShouldBe(2);
    }

    [Fact]
    public async Task Every_context_shares_one_set_of_options_and_interceptors()
    {
        // Issue 13: AddDbContext built new options, and a new busy-timeout interceptor, for every context.
        IDbContextOptions first, second;
        await using (var scope = Services.CreateAsyncScope())
        {
            first = scope.ServiceProvider.GetRequiredService<OrdersDbContext>().GetService<IDbContextOptions>();
        }

        await using (var scope = Services.CreateAsyncScope())
        {
            second = scope.ServiceProvider.GetRequiredService<OrdersDbContext>().GetService<IDbContextOptions>();
        }

        second.ShouldBeSameAs(first);
    }

    /// <summary>
    /// Keeps the writer busy with one write until released, so the writes started meanwhile queue for its next group.
    /// </summary>
    private Task<WriterHold> HoldWriterAsync() => kind == StoreKind.Postgres ? HoldWriterOnPostgresAsync() : HoldWriterOnSqliteAsync();

    private async Task<WriterHold> HoldWriterOnSqliteAsync()
    {
        var scope = Services.CreateAsyncScope();
        var writer = scope.ServiceProvider.GetRequiredService<IDatabaseWriter>();
        var running = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var held = writer.WriteAsync(
            scope.ServiceProvider.GetRequiredService<OrdersDbContext>(),
            async _ =>
            {
                running.SetResult();
                await release.Task;
                return 0;
            },
            Token);
        await running.Task.WaitAsync(Token);
        return new WriterHold(
            () =>
            {
                release.SetResult();
                return Task.CompletedTask;
            },
            async () =>
            {
                await held;
                await scope.DisposeAsync();
            });
    }

    // Another session locks the orders table; the writer's next insert, one order's, waits for it.
    private async Task<WriterHold> HoldWriterOnPostgresAsync()
    {
        string connectionString;
        await using (var scope = Services.CreateAsyncScope())
        {
            connectionString = scope.ServiceProvider.GetRequiredService<OrdersDbContext>().Database.GetConnectionString()!;
        }

        var locker = new NpgsqlConnection(connectionString);
        await locker.OpenAsync(Token);
        var transaction = await locker.BeginTransactionAsync(Token);
        await using (var lockTable = new NpgsqlCommand("LOCK TABLE \"Orders\" IN EXCLUSIVE MODE", locker, transaction))
        {
            await lockTable.ExecuteNonQueryAsync(Token);
        }

        var held = SaveNewOrderAsync();
        var lockedPid = locker.ProcessID;
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var waiting = new NpgsqlConnection(connectionString);
                await waiting.OpenAsync(Token);
                await using var count = new NpgsqlCommand(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> @pid",
                    waiting);
                count.Parameters.AddWithValue("pid", lockedPid);
                return (long)(await count.ExecuteScalarAsync(Token))! == 1;
            },
            "the writer's insert waits for the table lock");
        return new WriterHold(
            () => transaction.CommitAsync(Token),
            async () =>
            {
                await held;
                await transaction.DisposeAsync();
                await locker.DisposeAsync();
            });
    }

    private async Task SaveNewOrderAsync() => await SaveAsync(NewOrder());

    private async Task<OrderCreated> SaveAsync(Order order)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IOrderRepository>().Add(order);
        var created = OrderCreated.For(order, Now);
        scope.ServiceProvider.GetRequiredService<IIntegrationEvents>().Raise(created);
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Token);
        return created;
    }

    private static Order NewOrder() =>
        Order.Create(Guid.CreateVersion7().ToString("N"), "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 2m)], null, Now);

    private sealed class WriterHold(Func<Task> release, Func<Task> end) : IAsyncDisposable
    {
        public Task ReleaseAsync() => release();

        public async ValueTask DisposeAsync() => await end();
    }

    /// <summary>Every INSERT the service's contexts run, with the connection and transaction it ran on.</summary>
    private sealed class WriteRecorder : DbCommandInterceptor
    {
        private readonly ConcurrentQueue<Write> _writes = new();

        public IReadOnlyList<Write> Inserts(string table) =>
            [.. _writes.Where(write => write.Sql.StartsWith($"INSERT INTO \"{table}\"", StringComparison.Ordinal))];

        public override InterceptionResult<DbDataReader> ReaderExecuting(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Record(command);
            return result;
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            Record(command);
            return ValueTask.FromResult(result);
        }

        private void Record(DbCommand command)
        {
            // A batch of statements may begin with a SET or a savepoint; each INSERT in it counts.
            foreach (var statement in command.CommandText.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (statement.StartsWith("INSERT", StringComparison.Ordinal))
                {
                    _writes.Enqueue(new Write(statement, command.Connection!, command.Transaction));
                }
            }
        }
    }

    private sealed record Write(string Sql, DbConnection Connection, DbTransaction? Transaction);

    /// <summary>The size of each group the store's writer committed, from its metric, in order.</summary>
    private sealed class WriterGroups : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<long> _writes = new();

        public WriterGroups(IMeterFactory store)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Scope == store && instrument.Name == "cleansse.db.writes")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, _, _) => _writes.Enqueue(value));
            _listener.Start();
        }

        public IReadOnlyList<long> Writes => [.. _writes];

        public void Dispose() => _listener.Dispose();
    }
}

public sealed class SqliteDatabaseWriterTests() : DatabaseWriterTests(StoreKind.Sqlite)
{
    [Fact]
    public async Task The_writer_keeps_its_savepoints_journals_in_memory_not_in_temporary_files()
    {
        // Issue 13: every group's savepoints made SQLite create, write and delete a statement journal in the
        // temporary folder (/var/tmp, on disk even when the database is in memory): 5 % of a POST's CPU in a trace.
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var writer = scope.ServiceProvider.GetRequiredService<IDatabaseWriter>();

        var tempStore = await writer.WriteAsync(
            db,
            token => db.Database.SqlQueryRaw<int>("SELECT temp_store AS \"Value\" FROM pragma_temp_store").SingleAsync(token),
            TestContext.Current.CancellationToken);

        tempStore.ShouldBe(2, "MEMORY, on the writer's connection");
    }
}

public sealed class PostgresDatabaseWriterTests() : DatabaseWriterTests(StoreKind.Postgres);
