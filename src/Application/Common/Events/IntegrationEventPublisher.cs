using System.Diagnostics;
using CleanSse.Application.Common.Tracing;
using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanSse.Application.Common.Events;

/// <summary>
/// The one way committed integration events leave: each is published through the mediator, in order, and those that
/// went out are marked published in the outbox. The request's events right after its commit and the sweep's events
/// from the outbox take this same road. A failure stops the run and is left to the next sweep; it is never thrown.
/// </summary>
public sealed partial class IntegrationEventPublisher(
    IPublisher publisher,
    IOutbox outbox,
    ILogger<IntegrationEventPublisher> logger)
{
    /// <summary>Publishes <paramref name="events"/> in order, stopping at the first failure.</summary>
    /// <param name="events">The committed events.</param>
    /// <param name="cancellationToken">Cancels the publication.</param>
    /// <param name="traceParents">
    /// The <c>traceparent</c> each event was committed under, by event id, for events published outside their request
    /// (the sweep): each one's publication then continues its request's trace. Without one, it continues the current span.
    /// </param>
    /// <returns>How many, from the first, were published; the one after them (if any) failed.</returns>
    public async Task<int> PublishAsync(
        IReadOnlyList<IIntegrationEvent> events,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<Guid, string>? traceParents = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        var published = new List<Guid>(events.Count);
        foreach (var integrationEvent in events)
        {
            using var activity = StartPublishActivity(integrationEvent, traceParents);
            try
            {
                await publisher.Publish(integrationEvent, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Later events wait too, so that the sweep keeps them in the order they were raised.
                LogPublishFailed(exception, integrationEvent.GetType().Name, integrationEvent.EventId);
                activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
                break;
            }

            published.Add(integrationEvent.EventId);
        }

        if (published.Count > 0)
        {
            try
            {
                await outbox.MarkPublishedAsync(published, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // They went out; the sweep publishes them again, and consumers drop the repeat by its event id.
                LogMarkFailed(exception, published.Count);
            }
        }

        return published.Count;
    }

    /// <summary>
    /// The event's publication span. A swept event's span is a child of the commit that stored it, so its trace is its
    /// request's, and it links the sweep it ran in.
    /// </summary>
    private static Activity? StartPublishActivity(IIntegrationEvent integrationEvent, IReadOnlyDictionary<Guid, string>? traceParents)
    {
        var name = $"publish {integrationEvent.GetType().Name}";
        Activity? activity;
        if (traceParents is not null && traceParents.TryGetValue(integrationEvent.EventId, out var traceParent)
            && Telemetry.ContextOf(traceParent) is { TraceId: var traceId } stored && traceId != default)
        {
            ActivityLink[]? links = Activity.Current is { } sweep ? [new ActivityLink(sweep.Context)] : null;
            activity = Telemetry.Source.StartActivity(name, ActivityKind.Producer, stored, links: links);
        }
        else
        {
            activity = Telemetry.Source.StartActivity(name, ActivityKind.Producer);
        }

        activity?.SetTag("cleansse.event.id", integrationEvent.EventId);
        return activity;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {EventType} {IntegrationEventId} now; it stays in the outbox")]
    private partial void LogPublishFailed(Exception exception, string eventType, Guid integrationEventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} published events could not be marked so; the sweep publishes them again")]
    private partial void LogMarkFailed(Exception exception, int count);
}
