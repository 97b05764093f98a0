using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrders;

[Authorize]
public sealed record GetOrdersQuery(int Limit = GetOrdersQuery.DefaultLimit) : IQuery<OrdersListDto>
{
    public const int DefaultLimit = 500;
    public const int MaxLimit = 1000;
}

public sealed record OrdersListDto(IReadOnlyList<OrderDto> Orders);
