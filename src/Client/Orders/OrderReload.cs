namespace CleanSse.Client.Orders;

/// <summary>
/// The orders read again after a <see cref="StreamReset"/>: every order when <see cref="ChangedSince"/> is null, else
/// the ones that changed since then, which together with what the client held make the current state.
/// </summary>
/// <param name="Orders">The orders read, newest first.</param>
/// <param name="ChangedSince">The instant the reload started from; null for a full reload.</param>
public sealed record OrderReload(IReadOnlyList<OrderDto> Orders, DateTimeOffset? ChangedSince)
{
    /// <summary>True when <see cref="Orders"/> is every order, so it replaces what the client held.</summary>
    public bool IsComplete => ChangedSince is null;

    /// <summary>
    /// Brings <paramref name="held"/> (orders by id) up to date: replaced by <see cref="Orders"/> after a full reload,
    /// else each reloaded order replaces the held one unless the held one is newer (an event that raced the reload).
    /// </summary>
    public void ApplyTo(IDictionary<string, OrderDto> held)
    {
        ArgumentNullException.ThrowIfNull(held);
        if (IsComplete)
        {
            held.Clear();
        }

        foreach (var order in Orders)
        {
            if (held.TryGetValue(order.Id, out var current) && current.UpdatedAt > order.UpdatedAt)
            {
                continue;
            }

            held[order.Id] = order;
        }
    }
}
