using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrderById;

[Authorize]
public sealed record GetOrderByIdQuery(string Id) : IQuery<OrderDto>;
