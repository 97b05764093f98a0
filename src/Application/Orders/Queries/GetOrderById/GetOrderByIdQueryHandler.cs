using CleanSse.Application.Common.Persistence;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrderById;

public sealed class GetOrderByIdQueryHandler(IOrderRepository orders, OrderAccessPolicy access, TypeAdapterConfig mapping)
    : IQueryHandler<GetOrderByIdQuery, OrderDto>
{
    public async ValueTask<OrderDto> Handle(GetOrderByIdQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        var order = access.EnsureVisible(await orders.FindAsync(query.Id, cancellationToken), query.Id);
        return order.Adapt<OrderDto>(mapping);
    }
}
