using CleanSse.Application.Common.Persistence;
using CleanSse.Domain.Orders;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrderById;

public sealed class GetOrderByIdQueryHandler(IOrderRepository orders, OrderAccessPolicy access, TypeAdapterConfig mapping)
    : IQueryHandler<GetOrderByIdQuery, VersionedOrderDto>
{
    public async ValueTask<VersionedOrderDto> Handle(GetOrderByIdQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        var order = access.EnsureVisible(await orders.ReadAsync(query.Id, cancellationToken), query.Id);
        return new VersionedOrderDto(order.Adapt<Order, OrderDto>(mapping), order.Version);
    }
}
