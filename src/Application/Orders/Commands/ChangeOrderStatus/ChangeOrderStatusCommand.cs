using Mediator;

namespace CleanSse.Application.Orders.Commands.ChangeOrderStatus;

public sealed record ChangeOrderStatusCommand(string Id, string Status) : ICommand<OrderDto>;
