using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrders;

/// <summary>One page of orders, newest first.</summary>
/// <param name="Limit">Orders per page, 1 to <see cref="MaxLimit"/>.</param>
/// <param name="After">The <c>next</c> cursor of the previous page; the first page when null.</param>
/// <param name="Status">Only orders in this status (its wire name); every status when null.</param>
/// <param name="ChangedSince">Only orders whose <c>updatedAt</c> is at or after this instant; any when null.</param>
[Authorize]
public sealed record GetOrdersQuery(
    int Limit = GetOrdersQuery.DefaultLimit,
    string? After = null,
    string? Status = null,
    DateTimeOffset? ChangedSince = null) : IQuery<OrdersListDto>
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
}

/// <param name="Orders">The page, newest first.</param>
/// <param name="Next">The cursor of the next page (<c>?after=</c>); null on the last page.</param>
public sealed record OrdersListDto(IReadOnlyList<OrderDto> Orders, string? Next = null);
