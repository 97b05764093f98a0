namespace CleanSse.Client.Orders;

/// <summary>One page of <c>GET /api/orders</c>, newest first.</summary>
/// <param name="Orders">The orders of the page.</param>
/// <param name="Next">The cursor of the next page; null on the last page.</param>
public sealed record OrderPage(IReadOnlyList<OrderDto> Orders, string? Next);
