using CleanSse.Domain.Common;

namespace CleanSse.Domain.Orders;

/// <summary>The order's current status does not allow the requested change.</summary>
public sealed class InvalidOrderTransitionException : DomainException
{
    public InvalidOrderTransitionException(string orderId, OrderStatus from, OrderStatus to)
        : base($"Order '{orderId}' cannot move {WireName(from)} -> {WireName(to)}.")
    {
        OrderId = orderId;
        From = from;
        To = to;
    }

    public string OrderId { get; }

    public OrderStatus From { get; }

    public OrderStatus To { get; }

    // The message reaches clients as a 409's detail: statuses are spelled as the API spells them, in lower case.
    private static string WireName(OrderStatus status) => status.ToString().ToLowerInvariant();
}
