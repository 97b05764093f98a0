namespace CleanSse.Client.Orders;

/// <summary>The statuses an order goes through, as the service spells them.</summary>
/// <remarks>Allowed changes: <c>new → paid</c>, <c>paid → shipped</c>, <c>new → cancelled</c>, <c>paid → cancelled</c>.</remarks>
public static class OrderStatus
{
    /// <summary>Created and not yet paid.</summary>
    public const string New = "new";

    /// <summary>Paid, not yet shipped.</summary>
    public const string Paid = "paid";

    /// <summary>Shipped; no further change.</summary>
    public const string Shipped = "shipped";

    /// <summary>Cancelled; no further change.</summary>
    public const string Cancelled = "cancelled";
}
