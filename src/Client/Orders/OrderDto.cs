namespace CleanSse.Client.Orders;

/// <summary>An order as the service's API and event stream show it.</summary>
/// <param name="Id">The order's id: a string the service chose, in the order of creation.</param>
/// <param name="Customer">The display name given when the order was created.</param>
/// <param name="Items">The order's lines.</param>
/// <param name="Note">The note given when the order was created, if any.</param>
/// <param name="Total">The sum of quantity × unit price over the lines, rounded to cents.</param>
/// <param name="Status">One of <c>new</c>, <c>paid</c>, <c>shipped</c>, <c>cancelled</c> (see <see cref="OrderStatus"/>).</param>
/// <param name="CreatedAt">When the order was created (UTC).</param>
public sealed record OrderDto(
    string Id,
    string Customer,
    IReadOnlyList<OrderItemDto> Items,
    string? Note,
    decimal Total,
    string Status,
    DateTimeOffset CreatedAt)
{
    /// <summary>The id of the user who created the order; null where the service does not show it.</summary>
    public string? CustomerId { get; init; }

    /// <summary>When the order last changed (UTC); equal to <see cref="CreatedAt"/> until its first change, null where the service does not send it.</summary>
    public DateTimeOffset? UpdatedAt { get; init; }
}

/// <summary>One line of an order.</summary>
/// <param name="Sku">The stock keeping unit, 1 to 64 characters.</param>
/// <param name="Quantity">How many, 1 to 1000.</param>
/// <param name="UnitPrice">The price of one, zero or more.</param>
public sealed record OrderItemDto(string Sku, int Quantity, decimal UnitPrice);
