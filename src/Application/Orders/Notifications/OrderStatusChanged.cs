using Mediator;

namespace CleanSse.Application.Orders.Notifications;

/// <summary>Raised once an order's new status has been committed.</summary>
public sealed record OrderStatusChanged(OrderDto Order, string PreviousStatus) : INotification;
