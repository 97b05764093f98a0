namespace CleanSse.Client.Orders;

/// <summary>What <c>GET /api/orders/stats</c> answers, over every order the user may see.</summary>
/// <param name="Count">How many orders.</param>
/// <param name="Revenue">The sum of the totals of the orders that are not cancelled.</param>
/// <param name="ByStatus">How many orders are in each status, keyed as <see cref="OrderStatus"/> spells them.</param>
/// <param name="PerMinute">Orders created per minute over the last 30 minutes; only minutes that have orders.</param>
public sealed record OrderStats(
    int Count,
    decimal Revenue,
    IReadOnlyDictionary<string, int> ByStatus,
    IReadOnlyList<OrdersInMinute> PerMinute);

/// <summary>How many orders were created in one minute.</summary>
/// <param name="Minute">The start of the minute (UTC).</param>
/// <param name="Count">How many orders.</param>
public sealed record OrdersInMinute(DateTimeOffset Minute, int Count);
