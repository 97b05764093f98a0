using CleanSse.Application.Common.Persistence;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrders;

public sealed class GetOrdersQueryHandler(IOrderRepository orders, OrderAccessPolicy access, TypeAdapterConfig mapping)
    : IQueryHandler<GetOrdersQuery, OrdersListDto>
{
    public async ValueTask<OrdersListDto> Handle(GetOrdersQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        var list = await orders.ListNewestFirstAsync(query.Limit, access.VisibleOwner, cancellationToken);
        return new OrdersListDto(list.Adapt<List<OrderDto>>(mapping));
    }
}
