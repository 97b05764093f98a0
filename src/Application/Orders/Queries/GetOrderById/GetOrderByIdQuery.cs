using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Orders.Queries.GetOrderById;

/// <summary>The order and its version, which the API answers as its <c>ETag</c>.</summary>
[Authorize]
public sealed record GetOrderByIdQuery(string Id) : IQuery<VersionedOrderDto>;
