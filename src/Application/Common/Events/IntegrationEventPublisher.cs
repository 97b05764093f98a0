using Mediator;
using Microsoft.Extensions.Logging;

namespace CleanSse.Application.Common.Events;

/// <summary>
/// The one way committed integration events leave: a batch is published through the mediator as one
/// <see cref="IntegrationEventsCommitted"/>, which the event log's handler appends in one step, in order, and it is
/// marked published in the outbox in one statement with the position each got. The ordered dispatcher hands every
/// batch here, the request's and the sweep's alike. A failed append is left to the next attempt and not thrown; a
/// lost log is thrown, so the dispatcher restores it first.
/// </summary>
public sealed partial class IntegrationEventPublisher(
    IPublisher publisher,
    IOutbox outbox,
    ILogger<IntegrationEventPublisher> logger)
{
    /// <summary>Publishes <paramref name="events"/> in order, all or none.</summary>
    /// <returns>How many were published: all of them, or none.</returns>
    /// <exception cref="IntegrationEventLogLostException">The log must be restored before anything else goes out.</exception>
    public async Task<int> PublishAsync(IReadOnlyList<IIntegrationEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return 0;
        }

        IReadOnlyList<string> positions;
        try
        {
            var committed = new IntegrationEventsCommitted(events);
            await publisher.Publish(committed, cancellationToken);
            positions = committed.Positions ?? throw new InvalidOperationException("No event log handled the committed events.");
        }
        catch (Exception exception) when (exception is not IntegrationEventLogLostException
            && (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested))
        {
            // All wait, in order, for the next attempt.
            LogPublishFailed(exception, events.Count, events[0].EventId);
            return 0;
        }

        try
        {
            await outbox.MarkPublishedAsync([.. events.Select(published => published.EventId)], positions, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // They went out; the next attempt appends them again, and the log returns the positions it gave them first.
            LogMarkFailed(exception, events.Count);
        }

        return events.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {Count} events from {IntegrationEventId} now; they stay in the outbox")]
    private partial void LogPublishFailed(Exception exception, int count, Guid integrationEventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} published events could not be marked so; they are appended again and de-duplicated")]
    private partial void LogMarkFailed(Exception exception, int count);
}
