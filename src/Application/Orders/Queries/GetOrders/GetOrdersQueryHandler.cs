using CleanSse.Application.Common.Persistence;
using CleanSse.Domain.Orders;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrders;

public sealed class GetOrdersQueryHandler(IOrderRepository orders, OrderAccessPolicy access, TypeAdapterConfig mapping)
    : IQueryHandler<GetOrdersQuery, OrdersListDto>
{
    public async ValueTask<OrdersListDto> Handle(GetOrdersQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);

        // The validator refuses these first; the handler does not trust its callers to have run it.
        OrderStatus? status = null;
        if (query.Status is not null)
        {
            status = OrderStatusNames.TryParse(query.Status, out var parsed)
                ? parsed
                : throw new ArgumentException($"Unknown status '{query.Status}'.", nameof(query));
        }

        string? afterId = null;
        if (query.After is not null)
        {
            afterId = OrderCursor.TryDecode(query.After, out var decoded)
                ? decoded
                : throw new ArgumentException("Not a cursor of this service.", nameof(query));
        }

        var filter = new OrderListFilter(access.VisibleOwner, status, query.ChangedSince?.ToUniversalTime());

        // One more than the page holds tells whether a next page exists without counting.
        var found = await orders.ListPageAsync(filter, afterId, query.Limit + 1, cancellationToken);
        var page = found.Count > query.Limit ? found.Take(query.Limit).ToList() : found;
        var next = found.Count > query.Limit ? OrderCursor.Encode(page[^1].Id) : null;
        return new OrdersListDto(page.Adapt<IReadOnlyList<Order>, List<OrderDto>>(mapping), next);
    }
}
