using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Security;
using CleanSse.Domain.Orders;

namespace CleanSse.Application.Orders;

/// <summary>
/// Who may see and change which order. Staff see every order and make every change the order allows. A customer sees
/// only their own orders, and the only change they may make is cancelling one that is still new. An order a user may
/// not see is answered as if it did not exist, so its id reveals nothing.
/// </summary>
public sealed class OrderAccessPolicy(ICurrentUser user)
{
    /// <summary>The owner whose orders a listing is limited to; null when the user sees every order.</summary>
    public string? VisibleOwner => user.IsStaff ? null : user.UserId ?? throw new UnauthorizedAccessException("Sign in first.");

    public bool CanSee(Order order)
    {
        ArgumentNullException.ThrowIfNull(order);
        return user.IsStaff || order.IsOwnedBy(user.UserId);
    }

    /// <exception cref="NotFoundException">The user may not see the order.</exception>
    public Order EnsureVisible(Order? order, string id) =>
        order is not null && CanSee(order) ? order : throw NotFoundException.For("Order", id);

    /// <exception cref="ForbiddenAccessException">The user sees the order but may not make this change.</exception>
    public void EnsureMayChange(Order order, OrderStatus next)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (user.IsStaff)
        {
            return;
        }

        if (order.Status != OrderStatus.New || next != OrderStatus.Cancelled)
        {
            throw new ForbiddenAccessException("A customer may only cancel their own order, and only while it is new.");
        }
    }
}
