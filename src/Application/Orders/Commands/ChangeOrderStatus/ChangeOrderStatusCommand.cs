using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Orders.Commands.ChangeOrderStatus;

[Authorize]
public sealed record ChangeOrderStatusCommand(string Id, string? Status) : ICommand<OrderDto>;
