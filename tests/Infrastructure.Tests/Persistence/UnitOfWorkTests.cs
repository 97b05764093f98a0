using System.Diagnostics;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Orders.Events;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Messaging;
using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.Infrastructure.Persistence.Writing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>The unit of work stores raised events as outbox rows in the commit of their change, and only then hands them on.</summary>
public sealed class UnitOfWorkTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);

    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly IntegrationEventSerializer _serializer = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _connection.OpenAsync(Token);
        await using var db = NewContext();
        await db.Database.MigrateAsync(Token);
    }

    public async ValueTask DisposeAsync() => await _connection.DisposeAsync();

    [Fact]
    public async Task A_raised_event_is_committed_as_an_outbox_row_with_the_order_and_only_then_handed_on()
    {
        await using var db = NewContext();
        var events = new ScopedIntegrationEvents();
        var order = NewOrder();
        db.Orders.Add(order);
        var created = OrderCreated.For(order, Now);
        events.Raise(created);
        var payload = _serializer.Serialize(created, OrderCreated.EventType);

        events.TakeCommitted().ShouldBeEmpty();
        var handIn = new RecordingHandIn(() => CountOutboxRows());
        await new UnitOfWork(db, new NewRows(), events, _serializer, new DirectDatabaseWriter(), handIn).SaveChangesAsync(Token);

        events.TakeCommitted().ShouldBe([created]);
        handIn.Expected.ShouldBe([created]);
        handIn.RowsWhenExpected.ShouldBe(0, "handed to the dispatcher before the commit, so no dispatch finds the row first");
        handIn.Forgotten.ShouldBeEmpty();
        await using var reader = NewContext();
        (await reader.Orders.CountAsync(Token)).ShouldBe(1);
        var row = await reader.OutboxMessages.SingleAsync(Token);
        row.EventId.ShouldBe(created.EventId);
        row.Type.ShouldBe("order-created");
        row.Version.ShouldBe(1);
        row.Payload.ShouldBe(payload);
        row.OccurredAt.ShouldBe(Now);
        row.DispatchedAt.ShouldBeNull();
    }

    [Fact]
    public async Task A_save_that_fails_stores_no_row_and_hands_nothing_on()
    {
        await using (var setup = NewContext())
        {
            setup.Orders.Add(NewOrder());
            await setup.SaveChangesAsync(Token);
        }

        await using var db = NewContext();
        var events = new ScopedIntegrationEvents();
        var order = await db.Orders.SingleAsync(Token);
        await using (var other = NewContext())
        {
            // Another request moves the order on first.
            var theirs = await other.Orders.SingleAsync(Token);
            theirs.ChangeStatus(OrderStatus.Cancelled, DateTimeOffset.UnixEpoch.AddMinutes(1));
            await new UnitOfWork(other, new NewRows(), new ScopedIntegrationEvents(), _serializer, new DirectDatabaseWriter()).SaveChangesAsync(Token);
        }

        order.ChangeStatus(OrderStatus.Paid, DateTimeOffset.UnixEpoch.AddMinutes(1));
        events.Raise(OrderStatusChanged.For(order, Now));
        var handIn = new RecordingHandIn(() => CountOutboxRows());
        await Should.ThrowAsync<ConcurrencyConflictException>(() => new UnitOfWork(db, new NewRows(), events, _serializer, new DirectDatabaseWriter(), handIn).SaveChangesAsync(Token));

        handIn.Forgotten.ShouldBe(handIn.Expected, "the dispatcher does not keep events whose commit failed");
        handIn.Expected.ShouldHaveSingleItem();
        events.TakeCommitted().ShouldBeEmpty();
        events.Uncommitted.ShouldHaveSingleItem();
        db.ChangeTracker.Entries().Where(entry => entry.Metadata.ClrType.Name == "OutboxMessage").ShouldBeEmpty("a later save in this scope must not commit them");
        await using var reader = NewContext();
        (await reader.OutboxMessages.CountAsync(Token)).ShouldBe(0);
    }

    private int CountOutboxRows()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """SELECT COUNT(*) FROM "OutboxMessages" """;
        return Convert.ToInt32(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>What a unit of work handed in and took back, and how many outbox rows were committed when it handed in.</summary>
    private sealed class RecordingHandIn(Func<int> committedRows) : IOutboxHandIn
    {
        public List<IIntegrationEvent> Expected { get; } = [];

        public List<IIntegrationEvent> Forgotten { get; } = [];

        public int RowsWhenExpected { get; private set; } = -1;

        public void Expect(IReadOnlyList<RaisedIntegrationEvent> events, ActivityContext span)
        {
            RowsWhenExpected = committedRows();
            Expected.AddRange(events.Select(raised => raised.Event));
        }

        public void Forget(IReadOnlyList<RaisedIntegrationEvent> events) => Forgotten.AddRange(events.Select(raised => raised.Event));
    }

    private static Order NewOrder() =>
        Order.Create(Guid.CreateVersion7(Now).ToString("N"), "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 2m)], null, Now);

    private OrdersDbContext NewContext() =>
        new(new DbContextOptionsBuilder<OrdersDbContext>().UseSqlite(_connection).Options);
}
