namespace CleanSse.Client.Orders;

/// <summary>Which orders <c>GET /api/orders</c> lists; every part is optional.</summary>
public sealed record OrderQuery
{
    /// <summary>The page size, 1 to 200; the service's default (50) when null.</summary>
    public int? Limit { get; init; }

    /// <summary>The cursor of the page to read: the <see cref="OrderPage.Next"/> of the page before.</summary>
    public string? After { get; init; }

    /// <summary>Only orders in this status (see <see cref="OrderStatus"/>).</summary>
    public string? Status { get; init; }

    /// <summary>Only orders whose <see cref="OrderDto.UpdatedAt"/> is at or after this instant.</summary>
    public DateTimeOffset? ChangedSince { get; init; }
}
