using System.Diagnostics;
using System.Text.Json;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Tracing;
using CleanSse.Infrastructure.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>
/// Publishes the events that their request did not (a crash after the commit, a subscriber failing), oldest first,
/// through the same <see cref="IntegrationEventPublisher"/> as the request, which marks them done. At start it takes
/// everything left by the last run. Subscribers drop an event they already have by its id, so an event that both the
/// request and the sweep published still reaches clients once.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IntegrationEventTypes types,
    IntegrationEventSerializer serializer,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var startedAt = clock.GetUtcNow();
        var firstSweep = true;
        using var timer = new PeriodicTimer(settings.PollInterval, clock);
        do
        {
            try
            {
                // The first sweep takes all that the previous process left; later ones only what outlived its grace.
                var cutoff = firstSweep ? startedAt : clock.GetUtcNow() - settings.Grace;
                await DispatchPendingAsync(cutoff, settings.BatchSize, stoppingToken);
                firstSweep = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogSweepFailed(exception);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    /// <summary>Publishes every waiting event that occurred up to <paramref name="occurredBefore"/>; returns how many went out.</summary>
    public async Task<int> DispatchPendingAsync(DateTimeOffset occurredBefore, int batchSize, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<OutboxStore>();
        var publishing = scope.ServiceProvider.GetRequiredService<IntegrationEventPublisher>();
        var dispatched = 0;
        var afterId = 0L;
        while (true)
        {
            var pending = await store.ListPendingAsync(afterId, occurredBefore, batchSize, cancellationToken);
            if (pending.Count == 0)
            {
                break;
            }

            afterId = pending[^1].Id;
            var events = new List<IIntegrationEvent>(pending.Count);
            var traceParents = new Dictionary<Guid, string>();
            foreach (var message in pending)
            {
                if (TryRead(message) is { } integrationEvent)
                {
                    events.Add(integrationEvent);
                    if (message.TraceParent is { } traceParent)
                    {
                        traceParents[message.EventId] = traceParent;
                    }
                }
            }

            // A span only for sweeps that found something: an idle sweep every few seconds would be noise.
            using var activity = Telemetry.Source.StartActivity("outbox sweep", ActivityKind.Internal);
            activity?.SetTag("cleansse.outbox.rows", events.Count);
            var published = await publishing.PublishAsync(events, cancellationToken, traceParents);
            dispatched += published;
            if (published < events.Count)
            {
                // Keep the order of what waits: stop here and try this one first next time.
                await store.RecordFailedAttemptAsync(events[published].EventId, cancellationToken);
                return dispatched;
            }

            if (pending.Count < batchSize)
            {
                break;
            }
        }

        await store.DeletePublishedBeforeAsync(clock.GetUtcNow() - options.Value.Retention, cancellationToken);
        if (dispatched > 0)
        {
            LogDispatched(dispatched);
        }

        return dispatched;
    }

    /// <summary>The row's event, or null (logged, and the row left waiting) when this build cannot read it.</summary>
    private IIntegrationEvent? TryRead(OutboxMessage message)
    {
        if (!types.TryFind(message.Type, message.Version, out var type))
        {
            LogUnknownType(message.EventId, message.Type, message.Version);
            return null;
        }

        try
        {
            return serializer.Deserialize(type, message.EventId, message.OccurredAt, message.Payload);
        }
        catch (JsonException exception)
        {
            LogUnreadablePayload(exception, message.EventId, message.Type, message.Version);
            return null;
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: {Count} waiting events published")]
    private partial void LogDispatched(int count);

    // Left in place for a build that knows the type (a rollback mid-deploy), rather than dropped.
    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox: event {IntegrationEventId} has type {EventType} v{Version}, which this build does not know; it stays queued")]
    private partial void LogUnknownType(Guid integrationEventId, string eventType, int version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox: the payload of event {IntegrationEventId} ({EventType} v{Version}) cannot be read; it stays queued")]
    private partial void LogUnreadablePayload(Exception exception, Guid integrationEventId, string eventType, int version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox sweep failed")]
    private partial void LogSweepFailed(Exception exception);
}
