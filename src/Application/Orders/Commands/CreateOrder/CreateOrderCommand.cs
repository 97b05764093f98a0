using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Orders.Commands.CreateOrder;

[Authorize]
public sealed record CreateOrderCommand(string Customer, IReadOnlyList<CreateOrderItem> Items, string? Note)
    : ICommand<OrderDto>
{
    /// <summary>
    /// The request's <c>Idempotency-Key</c> header, when it has one. Not public, so the JSON body never sets it: only
    /// <see cref="WithIdempotencyKey"/> does.
    /// </summary>
    internal string? IdempotencyKey { get; private init; }

    public CreateOrderCommand WithIdempotencyKey(string? key) => this with { IdempotencyKey = key };
}

public sealed record CreateOrderItem(string Sku, int Quantity, decimal UnitPrice);
