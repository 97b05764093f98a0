using System.Diagnostics;
using System.Globalization;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Tracing;
using CleanSse.Application.Orders.Events;
using CleanSse.Infrastructure.Messaging;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.Extensions.Logging;

namespace CleanSse.Infrastructure.Realtime.Publishing;

/// <summary>
/// Puts committed order events on the stream: each event's payload (its JSON contract, serialized once and shared
/// with its outbox row) is appended to the event log under the event's id, with the order's owner, and the log's live
/// feed carries the same bytes to every stream that may see it (staff's, and the owner's). A batch is appended in one
/// step, in order, all or none. It never waits on a client. A failure is thrown back to the publishing step, which
/// leaves the events in the outbox; an event appended twice (a retry after a lost answer) is logged once, by its id.
/// </summary>
/// <remarks>Public because the composition root and the mediator's generated registrations name it.</remarks>
public sealed partial class OrderEventsSsePublisher(
    IEventLog log,
    IntegrationEventSerializer serializer,
    RealtimeMetrics metrics,
    ILogger<OrderEventsSsePublisher> logger) : IIntegrationEventLog
{
    public const string NewOrderEventType = "new-order";
    public const string OrderUpdatedEventType = "order-updated";

    /// <summary>The key the log de-duplicates by: the event's own id, whatever the domain allows.</summary>
    public static string DeduplicationKeyOf(IIntegrationEvent integrationEvent)
    {
        ArgumentNullException.ThrowIfNull(integrationEvent);
        return integrationEvent.EventId.ToString("N", CultureInfo.InvariantCulture);
    }

    public Task<IReadOnlyList<string>> AppendAsync(IReadOnlyList<IIntegrationEvent> events, CancellationToken cancellationToken) =>
        AppendAsync(events, parents: null, cancellationToken);

    /// <param name="events">The committed events, oldest first.</param>
    /// <param name="parents">
    /// Each event's <c>publish</c> span (by index), under which its <c>append</c> span starts; without it, the current span.
    /// </param>
    /// <param name="cancellationToken">Cancels the append.</param>
    /// <returns>The log position of each event, in order.</returns>
    public async Task<IReadOnlyList<string>> AppendAsync(
        IReadOnlyList<IIntegrationEvent> events,
        IReadOnlyList<ActivityContext>? parents,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (parents is not null && parents.Count != events.Count)
        {
            throw new ArgumentException("Every event needs its parent span.", nameof(parents));
        }

        // StackExchange.Redis's instrumentation is a prerelease package: each event's append is traced here, for either
        // log, and the log keeps that span's context with the event, so each delivery continues it.
        var spans = Telemetry.Source.HasListeners() ? new Activity?[events.Count] : null;
        var appends = new EventAppend[events.Count];
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                appends[i] = ToAppend(events[i]);
                if (spans is not null)
                {
                    spans[i] = StartAppendSpan(appends[i].Type, events[i], parents is null ? default : parents[i]);
                    if (spans[i] is { IdFormat: ActivityIdFormat.W3C } span)
                    {
                        appends[i] = appends[i] with { TraceParent = span.Id };
                    }
                }
            }

            IReadOnlyList<LoggedEvent> logged;
            try
            {
                logged = await log.AppendBatchAsync(appends, cancellationToken);
            }
            catch (EventLogLostException exception)
            {
                MarkFailed(spans, exception);
                throw new IntegrationEventLogLostException(exception.Message, exception);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                metrics.PublishFailed();
                MarkFailed(spans, exception);
                throw;
            }

            var positions = new string[logged.Count];
            for (var i = 0; i < logged.Count; i++)
            {
                metrics.EventPublished();
                positions[i] = logged[i].Id;
                spans?[i]?.SetTag("cleansse.stream.event_id", logged[i].Id);
                LogPublished(logged[i].Type, events[i].EventId, logged[i].Id);
            }

            return positions;
        }
        finally
        {
            EndSpans(spans);
        }
    }

    public async Task<bool> IsIntactAsync(CancellationToken cancellationToken) => await log.IsIntactAsync(cancellationToken);

    public async Task RestoreAsync(IReadOnlyList<LoggedIntegrationEvent> retained, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(retained);
        EventToRestore[] restore = [.. retained.Select(kept => new EventToRestore(ToAppend(kept.Event) with { TraceParent = kept.TraceParent }, kept.Position))];
        await log.RestoreAsync(restore, cancellationToken);
        LogRestored(restore.Length);
    }

    /// <summary>
    /// The event's <c>append</c> span, a child of <paramref name="parent"/> (or of the current span). The current span is
    /// left as it was, so the appends of one batch are siblings under their own publications, not nested in each other.
    /// </summary>
    private static Activity? StartAppendSpan(string sseType, IIntegrationEvent integrationEvent, ActivityContext parent)
    {
        var current = Activity.Current;
        var span = Telemetry.Source.StartActivity($"append {sseType}", ActivityKind.Producer, parent);
        Activity.Current = current;
        span?.SetTag("cleansse.event.id", integrationEvent.EventId);
        return span;
    }

    // A loop in a finally block keeps the JIT from compiling the async method quickly at first (it cannot place the
    // patchpoint that lets a loop move to optimized code later), so it compiles the whole state machine fully
    // optimized on the first call: milliseconds the first order after start would wait for.
    private static void EndSpans(Activity?[]? spans)
    {
        if (spans is null)
        {
            return;
        }

        foreach (var span in spans)
        {
            span?.Dispose();
        }
    }

    private static void MarkFailed(Activity?[]? spans, Exception exception)
    {
        if (spans is null)
        {
            return;
        }

        foreach (var span in spans)
        {
            span?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
        }
    }

    /// <summary>The stream event of an order event: its SSE type and its owner, with the payload JSON as its data.</summary>
    private EventAppend ToAppend(IIntegrationEvent integrationEvent) => integrationEvent switch
    {
        OrderCreated created => new EventAppend(
            NewOrderEventType, serializer.Serialize(created, OrderCreated.EventType), DeduplicationKeyOf(created), created.Order.CustomerId),
        OrderStatusChanged changed => new EventAppend(
            OrderUpdatedEventType, serializer.Serialize(changed, OrderStatusChanged.EventType), DeduplicationKeyOf(changed), changed.Order.CustomerId),
        _ => throw new NotSupportedException($"{integrationEvent.GetType().Name} has no stream event."),
    };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Published {EventType} {IntegrationEventId} as stream event {StreamEventId}")]
    private partial void LogPublished(string eventType, Guid integrationEventId, string streamEventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The event log had lost its history; {Count} events were put back from the outbox")]
    private partial void LogRestored(int count);
}
