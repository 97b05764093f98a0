using Mediator;

namespace CleanSse.Application.Orders.Notifications;

/// <summary>Raised once an order has been committed; never before.</summary>
public sealed record OrderCreated(OrderDto Order) : INotification;
