using CleanSse.Domain.Common;

namespace CleanSse.Domain.Orders;

/// <summary>The order's current status does not allow the requested change.</summary>
public sealed class InvalidOrderTransitionException : DomainException
{
    public InvalidOrderTransitionException(string orderId, OrderStatus from, OrderStatus to)
        : base($"Order '{orderId}' cannot move from '{from}' to '{to}'.")
    {
        OrderId = orderId;
        From = from;
        To = to;
    }

    public string OrderId { get; }

    public OrderStatus From { get; }

    public OrderStatus To { get; }
}
