using CleanSse.Infrastructure.Realtime.Wire;

namespace CleanSse.Infrastructure.Realtime.EventLog;

/// <summary>
/// An event as the log keeps it. Its wire bytes are encoded the first time they are asked for, once, and the same
/// array goes to every client; an event nobody sends (a repeated append, an append's answer) encodes nothing.
/// </summary>
public sealed class LoggedEvent
{
    private byte[]? _frame;

    public LoggedEvent(
        EventPosition position,
        string id,
        string type,
        string data,
        DateTimeOffset timestamp,
        string? deduplicationKey = null,
        string? ownerId = null,
        string? traceParent = null)
    {
        TraceParent = traceParent;
        DeduplicationKey = deduplicationKey;
        OwnerId = ownerId;
        Position = position;
        Id = id;
        Type = type;
        Data = data;
        Timestamp = timestamp;
    }

    public EventPosition Position { get; }

    public string Id { get; }

    public string Type { get; }

    public string Data { get; }

    public DateTimeOffset Timestamp { get; }

    /// <summary>The id of the event this entry carries (its integration event id), by which a repeat is dropped.</summary>
    public string? DeduplicationKey { get; }

    /// <summary>
    /// The customer the event is about (the order's owner), whose streams receive it besides staff's; an event
    /// without one goes to staff streams only.
    /// </summary>
    public string? OwnerId { get; }

    /// <summary>
    /// The W3C <c>traceparent</c> of the append, kept with the event (in Redis too), so its delivery, on any instance,
    /// continues the trace of the request that published it.
    /// </summary>
    public string? TraceParent { get; }

    public ReadOnlyMemory<byte> Frame
    {
        get
        {
            var frame = Volatile.Read(ref _frame);
            if (frame is not null)
            {
                return frame;
            }

            // Two first readers may both encode; only one array is ever handed out.
            return Interlocked.CompareExchange(ref _frame, SseFrame.Event(Type, Id, Data), null) ?? _frame;
        }
    }
}
