namespace CleanSse.Infrastructure.Realtime.Publishing;

/// <summary>An order event ready for the log: its SSE type, its own key (for de-duplication) and its JSON data.</summary>
public sealed record OrderEventEnvelope(string Type, string Key, string Data);
