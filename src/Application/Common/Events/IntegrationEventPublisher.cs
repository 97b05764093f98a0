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
    /// <returns>How many, from the first, were published; the one after them (if any) failed.</returns>
    public async Task<int> PublishAsync(IReadOnlyList<IIntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var published = new List<Guid>(events.Count);
        foreach (var integrationEvent in events)
        {
            try
            {
                await publisher.Publish(integrationEvent, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Later events wait too, so that the sweep keeps them in the order they were raised.
                LogPublishFailed(exception, integrationEvent.GetType().Name, integrationEvent.EventId);
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {EventType} {IntegrationEventId} now; it stays in the outbox")]
    private partial void LogPublishFailed(Exception exception, string eventType, Guid integrationEventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} published events could not be marked so; the sweep publishes them again")]
    private partial void LogMarkFailed(Exception exception, int count);
}
