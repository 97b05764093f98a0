using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Orders.Commands.CreateOrder;

[Authorize]
public sealed record CreateOrderCommand(string Customer, IReadOnlyList<CreateOrderItem> Items, string? Note)
    : ICommand<OrderDto>;

public sealed record CreateOrderItem(string Sku, int Quantity, decimal UnitPrice);
