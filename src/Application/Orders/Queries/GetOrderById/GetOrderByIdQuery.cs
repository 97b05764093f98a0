using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrderById;

public sealed record GetOrderByIdQuery(string Id) : IQuery<OrderDto>;
