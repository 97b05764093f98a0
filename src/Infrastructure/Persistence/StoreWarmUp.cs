using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders.Events;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Messaging;
using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.Infrastructure.Persistence.Writing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Infrastructure.Persistence;

/// <summary>
/// Runs the store's hot paths once before the service takes requests, so the first order does not pay for building
/// the model, compiling its queries and its insert, opening the writer, or the payload's serializer: an order and its
/// outbox row are written and rolled back, an order is looked up, an empty batch is marked published, the
/// waiting rows' reader reads a row of their shape.
/// </summary>
internal static class StoreWarmUp
{
    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var writer = services.GetRequiredService<GroupCommitWriter>();
        await writer.WarmUpAsync(cancellationToken);

        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        var db = provider.GetRequiredService<OrdersDbContext>();
        var clock = provider.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        var order = Order.Create(Guid.CreateVersion7(now).ToString("N"), "warm-up", "warm-up", [new OrderLine("WARM-UP", 1, 0m)], null, now);
        var orders = provider.GetRequiredService<IOrderRepository>();
        await orders.FindAsync(order.Id, cancellationToken);
        await orders.ReadAsync(order.Id, cancellationToken);

        var created = OrderCreated.For(order, now);
        var newRows = provider.GetRequiredService<NewRows>();
        orders.Add(order);
        newRows.Add(new OutboxMessage
        {
            EventId = created.EventId,
            Type = OrderCreated.EventType.Name,
            Version = OrderCreated.EventType.Version,
            Payload = provider.GetRequiredService<IntegrationEventSerializer>().Serialize(created, OrderCreated.EventType),
            OccurredAt = now,
        });
        // The writer's own prepared inserts (and, where it batches them, its batch), rolled back as it rolls back any
        // failed write.
        await writer.WarmUpInsertsAsync(db, newRows, cancellationToken);
        newRows.Clear();
        db.ChangeTracker.Clear();

        // Marks nothing (the row was rolled back), but prepares the statement the dispatcher marks batches with.
        await provider.GetRequiredService<IOutbox>().MarkPublishedAsync([created.EventId], ["0-0"], cancellationToken);

        if (provider.GetRequiredService<IPendingOutboxReader>() is SqlitePendingOutboxReader pending)
        {
            await pending.WarmUpAsync(cancellationToken);
        }
    }
}
