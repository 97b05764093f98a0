using System.Collections.Concurrent;
using System.Data.Common;
using CleanSse.Application.Common.Persistence;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>
/// Reads of the SQLite store as the service wires them: an order by id and a page of orders run on connections kept
/// open for reads, which still see every commit; the order by id, one prepared statement, reads back every value.
/// </summary>
public sealed class DatabaseReaderTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly SessionRecorder _sessions = new();
    private TemporaryStore _store = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private ServiceProvider Services => _store.Services;

    public async ValueTask InitializeAsync() => _store = await TemporaryStore.CreateAsync(_sessions, Token);

    public async ValueTask DisposeAsync() => await _store.DisposeAsync();

    [Fact]
    public async Task Reads_one_after_another_reuse_one_open_connection_without_setting_it_up_again()
    {
        // Issue 13: every GET opened a connection through EF Core (the pool's lock, EF Core's functions registered
        // again) and set its busy timeout with one more statement.
        var order = await SaveAsync(NewOrder());
        _sessions.Clear();

        for (var i = 0; i < 5; i++)
        {
            await using var scope = Services.CreateAsyncScope();
            var orders = scope.ServiceProvider.GetRequiredService<IOrderRepository>();
            (await orders.ReadAsync(order.Id, Token)).ShouldNotBeNull().Id.ShouldBe(order.Id);
            (await orders.ListPageAsync(new OrderListFilter(null, null, null), null, 10, Token)).ShouldHaveSingleItem();
        }

        // The pages go through EF Core on the kept connection; the order by id is one prepared statement on it.
        _sessions.Reads.Count.ShouldBe(5);
        _sessions.Reads.Distinct().ShouldHaveSingleItem("one connection, kept open between reads");
        _sessions.Opened.ShouldBe(0, "no read opened a connection through EF Core");
    }

    [Fact]
    public async Task Reading_an_order_to_show_rents_no_context_from_the_pool()
    {
        // Issue 13: every GET by id rented a pooled context, and reset it on the way back, for a read that uses none.
        var order = await SaveAsync(NewOrder());
        await using var scope = Services.CreateAsyncScope();
        var orders = scope.ServiceProvider.GetRequiredService<IOrderRepository>();

        (await orders.ReadAsync(order.Id, Token)).ShouldNotBeNull();

        scope.ServiceProvider.GetRequiredService<Lazy<OrdersDbContext>>().IsValueCreated.ShouldBeFalse();
        (await orders.FindAsync(order.Id, Token)).ShouldNotBeNull("a read to change still has its context");
        scope.ServiceProvider.GetRequiredService<Lazy<OrdersDbContext>>().IsValueCreated.ShouldBeTrue();
    }

    [Fact]
    public async Task An_order_read_by_id_has_every_value_it_was_saved_with()
    {
        var order = Order.Create(
            Guid.CreateVersion7().ToString("N"),
            "customer-7",
            "Zoë \"Ada\" Lovelace",
            [new OrderLine("BOOK-1", 3, 12.50m), new OrderLine("PEN-2", 1, 0.1m), new OrderLine("GIFT-3", 2, 0m)],
            "ring twice; leave at the door",
            Now);
        await SaveAsync(order);
        await using (var scope = Services.CreateAsyncScope())
        {
            var tracked = (await scope.ServiceProvider.GetRequiredService<IOrderRepository>().FindAsync(order.Id, Token)).ShouldNotBeNull();
            tracked.ChangeStatus(OrderStatus.Paid, Now.AddSeconds(90));
            await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Token);
        }

        await using var reading = Services.CreateAsyncScope();
        var orders = reading.ServiceProvider.GetRequiredService<IOrderRepository>();
        var read = (await orders.ReadAsync(order.Id, Token)).ShouldNotBeNull();
        var mapped = (await orders.FindAsync(order.Id, Token)).ShouldNotBeNull();

        read.ShouldBeEquivalentTo(mapped);
        read.Lines.ShouldBe(order.Lines);
        read.Total.ShouldBe(37.60m);
        read.Note.ShouldBe("ring twice; leave at the door");
        read.Status.ShouldBe(OrderStatus.Paid);
        read.UpdatedAt.ShouldBe(Now.AddSeconds(90));
        read.CreatedAt.Offset.ShouldBe(TimeSpan.Zero);
        read.Version.ShouldBe(2);

        var noNote = Order.Create(Guid.CreateVersion7().ToString("N"), "customer-7", "Ada", [new OrderLine("BOOK-1", 1, 2m)], null, Now);
        await SaveAsync(noNote);
        (await ReadAsync(noNote.Id)).ShouldNotBeNull().Note.ShouldBeNull();
    }

    [Fact]
    public async Task A_kept_connection_sees_every_commit()
    {
        var order = await SaveAsync(NewOrder());
        (await ReadAsync(order.Id)).ShouldNotBeNull().Status.ShouldBe(OrderStatus.New);

        await using (var scope = Services.CreateAsyncScope())
        {
            var tracked = (await scope.ServiceProvider.GetRequiredService<IOrderRepository>().FindAsync(order.Id, Token)).ShouldNotBeNull();
            tracked.ChangeStatus(OrderStatus.Paid, Now.AddMinutes(1));
            await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Token);
        }

        var read = (await ReadAsync(order.Id)).ShouldNotBeNull();
        read.Status.ShouldBe(OrderStatus.Paid);
        read.Version.ShouldBe(order.Version + 1);
        (await ReadAsync("missing")).ShouldBeNull();
    }

    [Fact]
    public async Task An_order_read_to_show_is_not_tracked_for_a_save()
    {
        var order = await SaveAsync(NewOrder());
        await using var scope = Services.CreateAsyncScope();
        var read = (await scope.ServiceProvider.GetRequiredService<IOrderRepository>().ReadAsync(order.Id, Token)).ShouldNotBeNull();

        read.ChangeStatus(OrderStatus.Paid, Now.AddMinutes(1));
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Token);

        (await ReadAsync(order.Id)).ShouldNotBeNull().Status.ShouldBe(OrderStatus.New);
    }

    private async Task<Order?> ReadAsync(string id)
    {
        await using var scope = Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOrderRepository>().ReadAsync(id, Token);
    }

    private async Task<Order> SaveAsync(Order order)
    {
        await using var scope = Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<IOrderRepository>().Add(order);
        await scope.ServiceProvider.GetRequiredService<IUnitOfWork>().SaveChangesAsync(Token);
        return order;
    }

    private static Order NewOrder() =>
        Order.Create(Guid.CreateVersion7().ToString("N"), "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 2m)], null, Now);

    /// <summary>The connection of every SELECT from the orders, and how many connections EF Core opened itself.</summary>
    private sealed class SessionRecorder : DbCommandInterceptor, IDbConnectionInterceptor
    {
        private readonly ConcurrentQueue<DbConnection> _reads = new();
        private int _opened;

        public IReadOnlyList<DbConnection> Reads => [.. _reads];

        public int Opened => Volatile.Read(ref _opened);

        public void Clear()
        {
            _reads.Clear();
            Interlocked.Exchange(ref _opened, 0);
        }

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.StartsWith("SELECT", StringComparison.Ordinal) && command.CommandText.Contains("FROM \"Orders\"", StringComparison.Ordinal))
            {
                _reads.Enqueue(command.Connection!);
            }

            return ValueTask.FromResult(result);
        }

        public void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Interlocked.Increment(ref _opened);

        public Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _opened);
            return Task.CompletedTask;
        }
    }
}
