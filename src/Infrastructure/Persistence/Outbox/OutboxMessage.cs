namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>
/// An integration event stored with the change it reports, until it has been published: its envelope (id, type name
/// and version, time) and its payload's JSON. Nothing here knows how, or to whom, it is published.
/// </summary>
internal sealed class OutboxMessage
{
    /// <summary>Insertion order: the sweep publishes what waits in this order.</summary>
    public long Id { get; set; }

    public Guid EventId { get; set; }

    public required string Type { get; set; }

    public int Version { get; set; }

    public required string Payload { get; set; }

    public DateTimeOffset OccurredAt { get; set; }

    public DateTimeOffset? DispatchedAt { get; set; }

    /// <summary>
    /// The event log's id for the event, recorded when it is marked dispatched: a log that loses its data is rebuilt
    /// from the rows still kept, each under the id its clients already hold.
    /// </summary>
    public string? LogPosition { get; set; }

    public int Attempts { get; set; }
}
