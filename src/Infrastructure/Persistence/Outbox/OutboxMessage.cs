namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>An event stored with the change it reports, until it has been appended to the event log.</summary>
public sealed class OutboxMessage
{
    public long Id { get; set; }

    /// <summary>The event's own key; the log drops a second append with the same key.</summary>
    public required string Key { get; set; }

    public required string Type { get; set; }

    public required string Data { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DispatchedAt { get; set; }

    public int Attempts { get; set; }
}
