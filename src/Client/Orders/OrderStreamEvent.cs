namespace CleanSse.Client.Orders;

/// <summary>An event of the orders service's stream, typed.</summary>
/// <param name="LastEventId">The stream's last event id when the event arrived: where a later request resumes.</param>
public abstract record OrderStreamEvent(string LastEventId);

/// <summary>The stream is open: the service sends this first on every connection, reconnects included.</summary>
public sealed record StreamConnected(string LastEventId) : OrderStreamEvent(LastEventId);

/// <summary><c>new-order</c>: an order was created.</summary>
public sealed record OrderCreated(OrderDto Order, string LastEventId) : OrderStreamEvent(LastEventId);

/// <summary><c>order-updated</c>: an order changed, e.g. its status.</summary>
public sealed record OrderUpdated(OrderDto Order, string LastEventId) : OrderStreamEvent(LastEventId);

/// <summary>
/// <c>reset</c>: the events after <see cref="RequestedEventId"/> could not be replayed. Reload the orders
/// (<c>GET /api/orders</c>, or <see cref="OrdersClient.ReloadAsync"/>); the events that follow are live from here.
/// </summary>
/// <param name="Reason">Why, e.g. <c>history-gap</c>.</param>
/// <param name="RequestedEventId">The id the client asked to resume after.</param>
/// <param name="LastEventId">The stream's last event id when the reset arrived.</param>
public sealed record StreamReset(string Reason, string? RequestedEventId, string LastEventId) : OrderStreamEvent(LastEventId)
{
    /// <summary>
    /// An instant at or before the last event the client had: the orders changed since then
    /// (<c>GET /api/orders?changedSince=</c>) are every change it missed. Null when the service cannot tell, and the
    /// client reloads every order.
    /// </summary>
    public DateTimeOffset? ChangedSince { get; init; }
}
