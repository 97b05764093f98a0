using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders.Events;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Commands.ChangeOrderStatus;

public sealed class ChangeOrderStatusCommandHandler(
    IOrderRepository orders,
    IUnitOfWork unitOfWork,
    IIntegrationEvents events,
    OrderAccessPolicy access,
    TypeAdapterConfig mapping,
    TimeProvider clock) : ICommandHandler<ChangeOrderStatusCommand, OrderDto>
{
    public async ValueTask<OrderDto> Handle(ChangeOrderStatusCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        if (!OrderStatusNames.TryParse(command.Status, out var next))
        {
            // The validator refuses this first; the handler does not trust its callers to have run it.
            throw new ArgumentException($"Unknown status '{command.Status}'.", nameof(command));
        }

        var order = access.EnsureVisible(await orders.FindAsync(command.Id, cancellationToken), command.Id);
        access.EnsureMayChange(order, next);
        order.ChangeStatus(next);
        events.Raise(OrderStatusChanged.For(order, clock.GetUtcNow()));
        await unitOfWork.SaveChangesAsync(cancellationToken);

        return order.Adapt<OrderDto>(mapping);
    }
}
