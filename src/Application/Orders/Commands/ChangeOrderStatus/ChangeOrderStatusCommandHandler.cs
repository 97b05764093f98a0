using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Messaging;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders.Notifications;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Commands.ChangeOrderStatus;

public sealed class ChangeOrderStatusCommandHandler(
    IOrderRepository orders,
    IUnitOfWork unitOfWork,
    IEventOutbox outbox,
    IPublisher publisher,
    TypeAdapterConfig mapping) : ICommandHandler<ChangeOrderStatusCommand, OrderDto>
{
    public async ValueTask<OrderDto> Handle(ChangeOrderStatusCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        if (!OrderStatusNames.TryParse(command.Status, out var next))
        {
            // The validator refuses this first; the handler does not trust its callers to have run it.
            throw new ArgumentException($"Unknown status '{command.Status}'.", nameof(command));
        }

        var order = await orders.FindAsync(command.Id, cancellationToken)
            ?? throw NotFoundException.For("Order", command.Id);

        var previous = OrderStatusNames.ToName(order.Status);
        order.ChangeStatus(next);
        var changed = new OrderStatusChanged(order.Adapt<OrderDto>(mapping), previous);
        outbox.Stage(changed);
        await unitOfWork.SaveChangesAsync(cancellationToken);

        await publisher.Publish(changed, CancellationToken.None);
        return changed.Order;
    }
}
