using System.Globalization;
using System.Text;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Idempotency;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Common.Security;
using CleanSse.Application.Orders.Events;
using CleanSse.Domain.Orders;
using Mapster;
using Mediator;

namespace CleanSse.Application.Orders.Commands.CreateOrder;

/// <summary>
/// Creates the order, or, for a repeat of a request with the same <c>Idempotency-Key</c>, answers what the first one
/// was answered. The key is stored by the same commit as the order and its event, so of requests racing with one key
/// exactly one commits; the others answer with its stored response.
/// </summary>
public sealed class CreateOrderCommandHandler(
    IOrderRepository orders,
    IUnitOfWork unitOfWork,
    IIntegrationEvents events,
    IIdempotencyStore idempotency,
    ICurrentUser user,
    TypeAdapterConfig mapping,
    TimeProvider clock) : ICommandHandler<CreateOrderCommand, OrderDto>
{
    public async ValueTask<OrderDto> Handle(CreateOrderCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);

        var userId = user.UserId ?? throw new UnauthorizedAccessException("Sign in to create an order.");
        var key = command.IdempotencyKey;
        var request = key is null ? null : Canonical(command);
        if (key is not null && await idempotency.FindAsync<OrderDto>(userId, key, request!, cancellationToken) is { } earlier)
        {
            return Replay(earlier);
        }

        var now = clock.GetUtcNow();
        var order = Order.Create(
            id: Guid.CreateVersion7(now).ToString("N"),
            customerId: userId,
            customer: command.Customer ?? string.Empty,
            lines: (command.Items ?? []).Select(ToLine),
            note: command.Note,
            createdAt: now);

        orders.Add(order);
        // Stored with the order by the commit below, and published after it.
        events.Raise(OrderCreated.For(order, now));
        var created = order.Adapt<Order, OrderDto>(mapping);
        if (key is null)
        {
            await unitOfWork.SaveChangesAsync(cancellationToken);
            return created;
        }

        idempotency.Add(new IdempotentRequest(userId, key, request!, now, now + IdempotencyKeys.Lifetime), created);
        try
        {
            await unitOfWork.SaveChangesAsync(cancellationToken);
        }
        catch (IdempotencyKeyTakenException taken)
        {
            // A concurrent request with this key committed first; nothing of this one was stored or will be published.
            var winner = await idempotency.FindAsync<OrderDto>(userId, key, request!, cancellationToken)
                ?? throw new InvalidOperationException("The idempotency key was taken, yet nothing is stored under it.", taken);
            return Replay(winner);
        }

        return created;
    }

    private static OrderDto Replay(StoredResponse<OrderDto> stored) =>
        stored.SameRequest
            ? stored.Response
            : throw new IdempotencyKeyReusedException("This Idempotency-Key was already used for a request with another body; use a new key for a new order.");

    /// <summary>
    /// The request as a text that is equal exactly when two requests ask for the same order, however their JSON was
    /// laid out: every field length-prefixed, and numbers without trailing zeros (12.5 and 12.50 are one price).
    /// </summary>
    private static string Canonical(CreateOrderCommand command)
    {
        var text = new StringBuilder();
        Append(text, command.Customer);
        Append(text, command.Note);
        foreach (var item in command.Items ?? [])
        {
            Append(text, item?.Sku);
            Append(text, item?.Quantity?.ToString(CultureInfo.InvariantCulture));
            Append(text, item?.UnitPrice is { } price ? Normalized(price).ToString(CultureInfo.InvariantCulture) : null);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, string? value) =>
        text.Append(value is null ? "-;" : string.Create(CultureInfo.InvariantCulture, $"{value.Length}:{value};"));

    private static decimal Normalized(decimal value) => value / 1.000000000000000000000000000000000m;

    // The validator refuses a missing field first; the handler does not trust its callers to have run it.
    private static OrderLine ToLine(CreateOrderItem? item) =>
        item is { Sku: { } sku, Quantity: { } quantity, UnitPrice: { } unitPrice }
            ? new OrderLine(sku, quantity, unitPrice)
            : throw new ArgumentException("Every order item needs its sku, quantity and unitPrice.", nameof(item));
}
