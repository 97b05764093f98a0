using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>
/// Moves events that their request did not publish (a crash after the commit, the event log unreachable) from the
/// outbox to the event log, oldest first, and marks them done. At start it takes everything left by the last run.
/// The log drops a repeated key, so an event both the request and the sweep appended still reaches clients once.
/// </summary>
public sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IEventLog log,
    RealtimeMetrics metrics,
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

    /// <summary>Appends every waiting event created up to <paramref name="createdBefore"/>; returns how many went out.</summary>
    public async Task<int> DispatchPendingAsync(DateTimeOffset createdBefore, int batchSize, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<OutboxStore>();
        var dispatched = 0;
        while (true)
        {
            var pending = await store.ListPendingAsync(createdBefore, batchSize, cancellationToken);
            foreach (var message in pending)
            {
                try
                {
                    await log.AppendAsync(message.Type, message.Data, message.Key, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Keep the order of what waits: stop here and try this one first next time.
                    await store.RecordFailedAttemptAsync(message.Id, cancellationToken);
                    LogAppendFailed(exception, message.Key);
                    return dispatched;
                }

                await store.MarkDispatchedAsync(message.Key, cancellationToken);
                metrics.EventPublished();
                dispatched++;
            }

            if (pending.Count < batchSize)
            {
                break;
            }
        }

        await store.DeleteDispatchedBeforeAsync(clock.GetUtcNow() - options.Value.Retention, cancellationToken);
        if (dispatched > 0)
        {
            LogDispatched(dispatched);
        }

        return dispatched;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox: {Count} waiting events appended to the event log")]
    private partial void LogDispatched(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: appending event {Key} failed; it stays queued")]
    private partial void LogAppendFailed(Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox sweep failed")]
    private partial void LogSweepFailed(Exception exception);
}
