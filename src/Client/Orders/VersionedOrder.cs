namespace CleanSse.Client.Orders;

/// <summary>An order with the version the service tagged it with.</summary>
/// <param name="Order">The order.</param>
/// <param name="ETag">
/// The <c>ETag</c> header as sent (e.g. <c>"3"</c>, quotes included); pass it as <c>ifMatch</c> to change the order only
/// if nobody changed it since. Null when the service sent none.
/// </param>
public sealed record VersionedOrder(OrderDto Order, string? ETag);
