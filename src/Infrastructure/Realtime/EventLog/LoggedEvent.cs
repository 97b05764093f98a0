using CleanSse.Infrastructure.Realtime.Wire;

namespace CleanSse.Infrastructure.Realtime.EventLog;

/// <summary>
/// An event as the log keeps it. Its wire bytes are encoded once, here, and the same array goes to every client.
/// </summary>
public sealed class LoggedEvent
{
    public LoggedEvent(EventPosition position, string id, string type, string data, DateTimeOffset timestamp, string? deduplicationKey = null)
    {
        DeduplicationKey = deduplicationKey;
        Position = position;
        Id = id;
        Type = type;
        Data = data;
        Timestamp = timestamp;
        Frame = SseFrame.Event(type, id, data);
    }

    public EventPosition Position { get; }

    public string Id { get; }

    public string Type { get; }

    public string Data { get; }

    public DateTimeOffset Timestamp { get; }

    public string? DeduplicationKey { get; }

    public ReadOnlyMemory<byte> Frame { get; }
}
