using CleanSse.Infrastructure.Realtime.EventLog;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// Whose events a stream carries, fixed when it is admitted: staff see every event; a customer sees only the events of
/// its own orders. Held inline in the stream (an id it already had, and a flag). The default value sees no event.
/// </summary>
internal readonly record struct StreamAudience
{
    private StreamAudience(string? customerId, bool isStaff)
    {
        CustomerId = customerId;
        IsStaff = isStaff;
    }

    /// <summary>Every event, with or without an owner.</summary>
    public static StreamAudience Staff => new(null, isStaff: true);

    /// <summary>The customer's own streams; for staff, <see langword="null"/>.</summary>
    public string? CustomerId { get; }

    public bool IsStaff { get; }

    /// <summary>Only the events owned by <paramref name="customerId"/>.</summary>
    public static StreamAudience Customer(string customerId)
    {
        ArgumentException.ThrowIfNullOrEmpty(customerId);
        return new(customerId, isStaff: false);
    }

    /// <summary>Whether the stream may carry <paramref name="logged"/>: used by the replay, which reads every event.</summary>
    public bool Sees(LoggedEvent logged)
    {
        ArgumentNullException.ThrowIfNull(logged);
        return IsStaff || (logged.OwnerId is not null && string.Equals(logged.OwnerId, CustomerId, StringComparison.Ordinal));
    }
}
