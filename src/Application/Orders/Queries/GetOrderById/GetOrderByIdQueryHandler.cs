using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Persistence;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrderById;

public sealed class GetOrderByIdQueryHandler(IOrderRepository orders, TypeAdapterConfig mapping)
    : IQueryHandler<GetOrderByIdQuery, OrderDto>
{
    public async ValueTask<OrderDto> Handle(GetOrderByIdQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        var order = await orders.FindAsync(query.Id, cancellationToken)
            ?? throw NotFoundException.For("Order", query.Id);
        return order.Adapt<OrderDto>(mapping);
    }
}
