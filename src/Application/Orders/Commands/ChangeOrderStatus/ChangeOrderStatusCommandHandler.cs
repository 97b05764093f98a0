using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders.Events;
using CleanSse.Domain.Orders;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Commands.ChangeOrderStatus;

public sealed class ChangeOrderStatusCommandHandler(
    IOrderRepository orders,
    IUnitOfWork unitOfWork,
    IIntegrationEvents events,
    OrderAccessPolicy access,
    TypeAdapterConfig mapping,
    TimeProvider clock) : ICommandHandler<ChangeOrderStatusCommand, VersionedOrderDto>
{
    public async ValueTask<VersionedOrderDto> Handle(ChangeOrderStatusCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        if (!OrderStatusNames.TryParse(command.Status, out var next))
        {
            // The validator refuses this first; the handler does not trust its callers to have run it.
            throw new ArgumentException($"Unknown status '{command.Status}'.", nameof(command));
        }

        var order = access.EnsureVisible(await orders.FindAsync(command.Id, cancellationToken), command.Id);
        access.EnsureMayChange(order, next);
        if (command.ExpectedVersions is { } expected && !expected.Contains(order.Version))
        {
            throw Stale(command.Id, order.Version);
        }

        var now = clock.GetUtcNow();
        order.ChangeStatus(next, now);
        events.Raise(OrderStatusChanged.For(order, now));
        try
        {
            await unitOfWork.SaveChangesAsync(cancellationToken);
        }
        catch (ConcurrencyConflictException conflict) when (command.ExpectedVersions is not null)
        {
            // Another change committed between the read and this write: the version the client named is gone.
            throw new PreconditionFailedException($"Order '{command.Id}' was changed by another request; read it again for its current version.", conflict);
        }

        return new VersionedOrderDto(order.Adapt<Order, OrderDto>(mapping), order.Version);
    }

    private static PreconditionFailedException Stale(string id, long current) =>
        new($"Order '{id}' is at version {current}, not the one If-Match names; read it again and retry.");
}
