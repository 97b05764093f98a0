using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Orders.Commands.CreateOrder;

/// <summary>
/// The order as the client sent it. Every member is nullable, so a field the client left out (or sent as null) stays
/// missing instead of becoming a default value such as a free item; the validator refuses it by name.
/// </summary>
[Authorize]
public sealed record CreateOrderCommand(string? Customer, IReadOnlyList<CreateOrderItem?>? Items, string? Note)
    : ICommand<OrderDto>
{
    /// <summary>
    /// The request's <c>Idempotency-Key</c> header, when it has one. Not public, so the JSON body never sets it: only
    /// <see cref="WithIdempotencyKey"/> does.
    /// </summary>
    internal string? IdempotencyKey { get; private init; }

    public CreateOrderCommand WithIdempotencyKey(string? key) => this with { IdempotencyKey = key };
}

public sealed record CreateOrderItem(string? Sku, int? Quantity, decimal? UnitPrice);
