using Mediator;

namespace CleanSse.Application.Orders.Commands.CreateOrder;

public sealed record CreateOrderCommand(string Customer, IReadOnlyList<CreateOrderItem> Items, string? Note)
    : ICommand<OrderDto>;

public sealed record CreateOrderItem(string Sku, int Quantity, decimal UnitPrice);
