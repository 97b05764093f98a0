namespace CleanSse.Client;

/// <summary>
/// One dispatched event, carrying what a browser's <c>MessageEvent</c> carries: its type, its data and the stream's
/// last event id at the time it was dispatched.
/// </summary>
public sealed record SseEvent
{
    /// <summary>The type a stream uses when it names none.</summary>
    public const string DefaultType = "message";

    /// <summary>The type the CleanSse service gives the event that tells a client to reload its state.</summary>
    public const string ResetType = "reset";

    /// <summary>An event as the stream dispatched it.</summary>
    /// <param name="type">The <c>event:</c> field; null or empty means <see cref="DefaultType"/>.</param>
    /// <param name="data">The joined <c>data:</c> lines.</param>
    /// <param name="lastEventId">The stream's last event id when the event was dispatched.</param>
    public SseEvent(string type, string data, string lastEventId)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(lastEventId);
        Type = string.IsNullOrEmpty(type) ? DefaultType : type;
        Data = data;
        LastEventId = lastEventId;
    }

    /// <summary>The <c>event:</c> field of the event, or <see cref="DefaultType"/> when it had none (or an empty one).</summary>
    public string Type { get; }

    /// <summary>The <c>data:</c> lines of the event joined with line feeds.</summary>
    public string Data { get; }

    /// <summary>The last <c>id:</c> the stream set, on this connection or an earlier one; empty when none.</summary>
    public string LastEventId { get; }

    /// <summary>
    /// True for the service's <c>reset</c> event: the events after the requested id could not be replayed, so the
    /// client must reload its state before it trusts the events that follow.
    /// </summary>
    public bool IsReset => string.Equals(Type, ResetType, StringComparison.Ordinal);
}
