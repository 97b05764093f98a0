using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Common.Security;
using CleanSse.Application.Orders.Events;
using CleanSse.Domain.Orders;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Commands.CreateOrder;

public sealed class CreateOrderCommandHandler(
    IOrderRepository orders,
    IUnitOfWork unitOfWork,
    IIntegrationEvents events,
    ICurrentUser user,
    TypeAdapterConfig mapping,
    TimeProvider clock) : ICommandHandler<CreateOrderCommand, OrderDto>
{
    public async ValueTask<OrderDto> Handle(CreateOrderCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        var now = clock.GetUtcNow();
        var order = Order.Create(
            id: Guid.CreateVersion7(now).ToString("N"),
            customerId: user.UserId ?? throw new UnauthorizedAccessException("Sign in to create an order."),
            customer: command.Customer ?? string.Empty,
            lines: (command.Items ?? []).Select(ToLine),
            note: command.Note,
            createdAt: now);

        orders.Add(order);
        // Stored with the order by the commit below, and published after it.
        events.Raise(OrderCreated.For(order, now));
        await unitOfWork.SaveChangesAsync(cancellationToken);

        return order.Adapt<OrderDto>(mapping);
    }

    // The validator refuses a missing field first; the handler does not trust its callers to have run it.
    private static OrderLine ToLine(CreateOrderItem? item) =>
        item is { Sku: { } sku, Quantity: { } quantity, UnitPrice: { } unitPrice }
            ? new OrderLine(sku, quantity, unitPrice)
            : throw new ArgumentException("Every order item needs its sku, quantity and unitPrice.", nameof(item));
}
