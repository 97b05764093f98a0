namespace CleanSse.Client.Orders;

/// <summary>What <c>POST /api/orders</c> takes.</summary>
/// <param name="Customer">The display name, 1 to 100 characters.</param>
/// <param name="Items">1 to 50 lines.</param>
/// <param name="Note">An optional note, up to 500 characters.</param>
public sealed record NewOrder(string Customer, IReadOnlyList<OrderItemDto> Items, string? Note = null);
