using System.Diagnostics;

namespace CleanSse.Application.Common.Tracing;

/// <summary>
/// The one activity source of the service's own spans (the mediator, the commit, the publication, the log append, the
/// delivery), in every layer: a tracer subscribes to <see cref="SourceName"/> once. Creating a span costs nothing
/// while no tracer listens.
/// </summary>
public static class Telemetry
{
    public const string SourceName = "CleanSse";

    public static ActivitySource Source { get; } = new(SourceName);

    /// <summary>
    /// The W3C <c>traceparent</c> of the current span, to be stored with what leaves it (an outbox row, a log entry),
    /// or null when there is no span or it is not in W3C format.
    /// </summary>
    public static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>The span context a stored <c>traceparent</c> names, or the default (none) when it is absent or malformed.</summary>
    public static ActivityContext ContextOf(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, traceState: null, isRemote: true, out var context)
            ? context
            : default;
}
