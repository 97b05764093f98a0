using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders.Notifications;
using CleanSse.Domain.Orders;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Commands.CreateOrder;

public sealed class CreateOrderCommandHandler(
    IOrderRepository orders,
    IUnitOfWork unitOfWork,
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

        orders.Add(order);
        await unitOfWork.SaveChangesAsync(cancellationToken);

        var dto = order.Adapt<OrderDto>(mapping);

        // Once the order is committed, its event must go out even if the caller has gone away.
        await publisher.Publish(new OrderCreated(dto), CancellationToken.None);
        return dto;
    }
}
