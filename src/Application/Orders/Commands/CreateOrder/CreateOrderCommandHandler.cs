using CleanSse.Application.Common.Messaging;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders.Notifications;
using CleanSse.Domain.Orders;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Commands.CreateOrder;

public sealed class CreateOrderCommandHandler(
    IOrderRepository orders,
    IUnitOfWork unitOfWork,
    IEventOutbox outbox,
    IPublisher publisher,
    TypeAdapterConfig mapping,
    TimeProvider clock) : ICommandHandler<CreateOrderCommand, OrderDto>
{
    public async ValueTask<OrderDto> Handle(CreateOrderCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        var now = clock.GetUtcNow();
        var order = Order.Create(
            id: Guid.CreateVersion7(now).ToString("N"),
            customer: command.Customer,
            lines: command.Items.Select(item => new OrderLine(item.Sku, item.Quantity, item.UnitPrice)),
            note: command.Note,
            createdAt: now);

        var dto = order.Adapt<OrderDto>(mapping);
        var created = new OrderCreated(dto);

        orders.Add(order);
        outbox.Stage(created);
        await unitOfWork.SaveChangesAsync(cancellationToken);

        // Published only after the commit, and even if the caller has gone away; the outbox covers a crash before this.
        await publisher.Publish(created, CancellationToken.None);
        return dto;
    }
}
