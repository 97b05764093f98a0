namespace CleanSse.Infrastructure.Realtime.EventLog;

/// <summary>
/// Where an event stands in its log. Positions of one log compare in publish order; the pair fits both a
/// sequence number (<c>(n, 0)</c>) and a Redis stream entry id (<c>milliseconds-sequence</c>).
/// </summary>
public readonly record struct EventPosition(long Major, long Minor) : IComparable<EventPosition>
{
    public static EventPosition Origin => default;

    public int CompareTo(EventPosition other)
    {
        var major = Major.CompareTo(other.Major);
        return major != 0 ? major : Minor.CompareTo(other.Minor);
    }

    public static bool operator <(EventPosition left, EventPosition right) => left.CompareTo(right) < 0;

    public static bool operator >(EventPosition left, EventPosition right) => left.CompareTo(right) > 0;

    public static bool operator <=(EventPosition left, EventPosition right) => left.CompareTo(right) <= 0;

    public static bool operator >=(EventPosition left, EventPosition right) => left.CompareTo(right) >= 0;
}
