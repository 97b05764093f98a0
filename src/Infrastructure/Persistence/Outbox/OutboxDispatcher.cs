using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Tracing;
using CleanSse.Infrastructure.Messaging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>
/// The process's one ordered dispatcher. Every publication goes through it: a request that committed events wakes it
/// and waits, and it publishes everything waiting in the outbox, oldest row first, in batches (one append to the log
/// and one UPDATE per batch), so a request's events never overtake older ones left by an outage, a crash or another
/// instance. It also runs every <see cref="OutboxOptions.PollInterval"/> for rows no request woke it for, and then
/// checks that the log still holds what it had; a log that lost its data is rebuilt from the rows kept after
/// dispatch, under their first positions. Racing dispatchers of several instances are safe: the log drops an event it
/// already holds, by its id. The events a unit of work commits are handed in before its commit starts: under load a
/// run often begins between a group's commit and its requests' next step, and finds their rows committed before they
/// have asked for anything; it publishes the objects handed in rather than reading the rows back.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes,
    IntegrationEventTypes types,
    IntegrationEventSerializer serializer,
    IOptions<OutboxOptions> options,
    TimeProvider clock,
    ILogger<OutboxDispatcher> logger) : BackgroundService, IIntegrationEventDispatcher, IOutboxHandIn
{
    private static readonly TimeSpan CleanupInterval = TimeSpan.FromMinutes(1);

    // One run at a time: the loop's, or one asked for directly; two would publish the same rows side by side.
    private readonly SemaphoreSlim _running = new(1, 1);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    // Events handed in by their units of work and requests: rows read back for them are not deserialized again, and
    // their publication continues the span they were raised in. Each leaves with its failed commit, when its request
    // has waited for it, or two runs after the one that published it (for a request that never asks).
    private readonly ConcurrentDictionary<Guid, HandedIn> _handedIn = new();

    // Counted under _running.
    private long _runs;

    // The mark of the last run's final batch, left to finish while the next run reads and appends: the requests have
    // their answer once their events are in the log, and the next run need not wait for the commit either. Only under
    // _running. Its rows are skipped by the next run rather than appended again, and each run waits for the previous
    // mark before it leaves its own, so at most one is in flight.
    private InFlightMark? _inFlight;
    private readonly Lock _gate = new();
    private List<TaskCompletionSource> _waiting = [];
    private bool _stopped;
    private DateTimeOffset _lastCleanup = DateTimeOffset.MinValue;

    /// <summary>How many handed-in events are kept: waiting to be published, or published and not yet asked for.</summary>
    internal int HandedInCount => _handedIn.Count;

    public void Expect(IReadOnlyList<RaisedIntegrationEvent> events, ActivityContext span)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var raised in events)
        {
            _handedIn[raised.Event.EventId] = new HandedIn(raised.Event, span);
        }
    }

    public void Forget(IReadOnlyList<RaisedIntegrationEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var raised in events)
        {
            _handedIn.TryRemove(raised.Event.EventId, out _);
        }
    }

    public async Task DispatchAsync(IReadOnlyList<IIntegrationEvent> committed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(committed);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var requestSpan = Activity.Current?.Context ?? default;
        lock (_gate)
        {
            if (_stopped)
            {
                // Shutting down: the rows wait for the next start.
                return;
            }

            if (IsPublished(committed))
            {
                // A run found the rows committed and published them before this request asked: nothing to wait for.
                Release(committed);
                return;
            }

            foreach (var integrationEvent in committed)
            {
                // Usually handed in already, at its commit; this covers a commit made without that.
                _handedIn.TryAdd(integrationEvent.EventId, new HandedIn(integrationEvent, requestSpan));
            }

            _waiting.Add(done);
        }

        _wake.Writer.TryWrite(true);
        try
        {
            await done.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller stopped waiting; the events are still published in their turn.
        }
        finally
        {
            Release(committed);
        }
    }

    private bool IsPublished(IReadOnlyList<IIntegrationEvent> committed)
    {
        foreach (var integrationEvent in committed)
        {
            if (!_handedIn.TryGetValue(integrationEvent.EventId, out var known) || known.PublishedInRun == 0)
            {
                return false;
            }
        }

        return committed.Count > 0;
    }

    private void Release(IReadOnlyList<IIntegrationEvent> committed)
    {
        foreach (var integrationEvent in committed)
        {
            _handedIn.TryRemove(integrationEvent.EventId, out _);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var nextCheck = DateTimeOffset.MinValue;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // A waiter taken here committed its rows before this run reads the outbox, so this run covers them.
                List<TaskCompletionSource> waiters;
                lock (_gate)
                {
                    waiters = _waiting;
                    _waiting = [];
                }

                try
                {
                    var now = clock.GetUtcNow();
                    var checkLog = now >= nextCheck;
                    if (checkLog)
                    {
                        nextCheck = now + settings.PollInterval;
                    }

                    await RunAsync(DateTimeOffset.MaxValue, settings.BatchSize, checkLog, stoppingToken, () => Release(waiters), leaveMarkRunning: true);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception)
                {
                    LogSweepFailed(exception);
                }
                finally
                {
                    Release(waiters);
                }

                await WaitForWorkAsync(settings.PollInterval, stoppingToken);
            }
        }
        finally
        {
            List<TaskCompletionSource> left;
            lock (_gate)
            {
                _stopped = true;
                left = _waiting;
                _waiting = [];
            }

            foreach (var waiter in left)
            {
                waiter.TrySetResult();
            }

            await _running.WaitAsync(CancellationToken.None);
            try
            {
                await CompleteInFlightMarkAsync();
            }
            finally
            {
                _running.Release();
            }
        }
    }

    private static void Release(List<TaskCompletionSource> waiters)
    {
        foreach (var waiter in waiters)
        {
            waiter.TrySetResult();
        }
    }

    /// <summary>Publishes every waiting event that occurred up to <paramref name="occurredBefore"/>; returns how many went out.</summary>
    public Task<int> DispatchPendingAsync(DateTimeOffset occurredBefore, int batchSize, CancellationToken cancellationToken) =>
        RunAsync(occurredBefore, batchSize, checkLog: true, cancellationToken);

    /// <param name="appendedAll">
    /// Called once the run's last batch is in the log, before its rows are marked: the requests waiting for this run
    /// can answer then, since their events are on the streams, and a mark that fails only means a repeat the log drops.
    /// </param>
    /// <param name="leaveMarkRunning">
    /// Whether the run may end before its last batch's rows are marked (the loop's runs); a run asked for directly
    /// returns with its rows marked.
    /// </param>
    private async Task<int> RunAsync(
        DateTimeOffset occurredBefore,
        int batchSize,
        bool checkLog,
        CancellationToken cancellationToken,
        Action? appendedAll = null,
        bool leaveMarkRunning = false)
    {
        await _running.WaitAsync(cancellationToken);
        var scope = scopes.CreateAsyncScope();
        Task? marking = null;
        var scopeKept = false;
        try
        {
            var store = scope.ServiceProvider.GetRequiredService<OutboxStore>();
            var publishing = scope.ServiceProvider.GetRequiredService<IntegrationEventPublisher>();
            var log = scope.ServiceProvider.GetRequiredService<IIntegrationEventLog>();
            var run = ++_runs;
            ForgetPublishedBefore(run - 1);
            if (checkLog && !await IsIntactAsync(log, cancellationToken))
            {
                await RestoreAsync(store, log, cancellationToken);
            }

            var (dispatched, markingRows) = await PublishWaitingAsync(store, publishing, log, occurredBefore, batchSize, appendedAll, cancellationToken);
            marking = markingRows?.Publication;
            var now = clock.GetUtcNow();
            var cleanUp = now - _lastCleanup >= CleanupInterval;
            if (marking is not null && (!leaveMarkRunning || cleanUp))
            {
                // The clean-up uses this run's context, which the mark is using.
                await marking;
                marking = null;
            }

            if (cleanUp)
            {
                _lastCleanup = now;
                await store.DeletePublishedBeforeAsync(now - options.Value.Retention, cancellationToken);
            }

            await CompleteInFlightMarkAsync();
            if (marking is not null && markingRows is not null)
            {
                // The scope stays open for the mark, and is disposed once the next run has waited for it.
                _inFlight = new InFlightMark(marking, scope, markingRows.EventIds);
                scopeKept = true;
            }

            if (dispatched > 0)
            {
                LogDispatched(dispatched);
            }

            return dispatched;
        }
        finally
        {
            if (!scopeKept)
            {
                if (marking is not null)
                {
                    // Failed after the append: the mark still uses the scope.
                    await WaitQuietlyAsync(marking);
                }

                await scope.DisposeAsync();
            }

            _running.Release();
        }
    }

    /// <summary>Waits for the previous run's mark, if it is still in flight, and disposes its scope. Under _running.</summary>
    private async Task CompleteInFlightMarkAsync()
    {
        if (_inFlight is not { } inFlight)
        {
            return;
        }

        _inFlight = null;
        await WaitQuietlyAsync(inFlight.Publication);
        await inFlight.Scope.DisposeAsync();
    }

    // The publisher logs a mark that failed; what is left is a cancellation at shutdown, after which the rows are
    // appended again at the next start and de-duplicated by the log.
    private static async Task WaitQuietlyAsync(Task publication)
    {
        try
        {
            await publication;
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <returns>
    /// How many events went out, and the last batch's publication if it is still marking its rows (null when it is
    /// done).
    /// </returns>
    private async Task<(int Dispatched, MarkingRows? Marking)> PublishWaitingAsync(
        OutboxStore store,
        IntegrationEventPublisher publishing,
        IIntegrationEventLog log,
        DateTimeOffset occurredBefore,
        int batchSize,
        Action? appendedAll,
        CancellationToken cancellationToken)
    {
        var dispatched = 0;
        var afterId = 0L;
        while (true)
        {
            var pending = await store.ListPendingAsync(afterId, occurredBefore, batchSize, cancellationToken);
            if (pending.Count == 0)
            {
                appendedAll?.Invoke();
                return (dispatched, null);
            }

            afterId = pending[^1].Id;
            var last = pending.Count < batchSize;
            if (_inFlight is { } inFlight)
            {
                // Appended by the previous run, whose mark is still being committed.
                pending.RemoveAll(row => inFlight.EventIds.Contains(row.EventId));
                if (pending.Count == 0)
                {
                    if (last)
                    {
                        appendedAll?.Invoke();
                        return (dispatched, null);
                    }

                    continue;
                }
            }

            // Taken once: a request stops handing its events in once the run that took it is over.
            var handedIn = new HandedIn?[pending.Count];
            List<long>? notHandedIn = null;
            for (var i = 0; i < pending.Count; i++)
            {
                if (_handedIn.TryGetValue(pending[i].EventId, out var known))
                {
                    handedIn[i] = known;
                }
                else
                {
                    (notHandedIn ??= []).Add(pending[i].Id);
                }
            }

            var stored = notHandedIn is null
                ? null
                : (await store.ListByIdsAsync(notHandedIn, cancellationToken)).ToDictionary(message => message.Id);
            var events = new List<IIntegrationEvent>(pending.Count);
            var traces = new List<PublishTrace>(pending.Count);
            var swept = new List<bool>(pending.Count);
            for (var i = 0; i < pending.Count; i++)
            {
                var row = pending[i];
                if (handedIn[i] is { } known)
                {
                    events.Add(known.Event);
                    traces.Add(new PublishTrace(known.RequestSpan != default ? known.RequestSpan : Telemetry.ContextOf(row.TraceParent)));
                    swept.Add(false);
                }
                else if (stored is not null && stored.TryGetValue(row.Id, out var message) && TryRead(message) is { } integrationEvent)
                {
                    events.Add(integrationEvent);
                    traces.Add(new PublishTrace(Telemetry.ContextOf(message.TraceParent)));
                    swept.Add(true);
                }
            }

            // A span only for batches with events no request handed in: an idle run, or a request's own, would be noise.
            using var sweep = swept.Contains(true) ? Telemetry.Source.StartActivity("outbox sweep", ActivityKind.Internal) : null;
            if (sweep is not null)
            {
                sweep.SetTag("cleansse.outbox.rows", events.Count);
                for (var i = 0; i < traces.Count; i++)
                {
                    // A swept event continues the commit stored with its row and links this sweep; one stored
                    // untraced runs under the sweep itself.
                    if (swept[i])
                    {
                        traces[i] = traces[i].Parent == default ? new PublishTrace(sweep.Context) : traces[i] with { Link = sweep.Context };
                    }
                }
            }

            var appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            void Appended()
            {
                // In the log: a request that asks for its events from now on need not wait for another run.
                foreach (var integrationEvent in events)
                {
                    if (_handedIn.TryGetValue(integrationEvent.EventId, out var known))
                    {
                        _handedIn.TryUpdate(integrationEvent.EventId, known with { PublishedInRun = _runs }, known);
                    }
                }

                if (last)
                {
                    appendedAll?.Invoke();
                }

                appended.TrySetResult();
            }

            int published;
            try
            {
                var publication = publishing.PublishAsync(events, cancellationToken, traces, Appended);
                if (last)
                {
                    // Once the events are in the log, the mark may finish on its own.
                    await Task.WhenAny(appended.Task, publication);
                    if (appended.Task.IsCompleted && !publication.IsCompleted)
                    {
                        return (dispatched + events.Count, new MarkingRows(publication, [.. events.Select(published => published.EventId)]));
                    }
                }

                published = await publication;
            }
            catch (IntegrationEventLogLostException)
            {
                await RestoreAsync(store, log, cancellationToken);
                published = await publishing.PublishAsync(events, cancellationToken, traces, Appended);
            }

            dispatched += published;
            if (published < events.Count)
            {
                // Nothing of this batch went out: stop here, so what waits keeps its order, and try it first next time.
                await store.RecordFailedAttemptAsync(events[0].EventId, cancellationToken);
                return (dispatched, null);
            }

            if (last)
            {
                return (dispatched, null);
            }
        }
    }

    /// <summary>Drops the events published before <paramref name="run"/> that no request came for (its handler failed after its commit).</summary>
    private void ForgetPublishedBefore(long run)
    {
        foreach (var (eventId, known) in _handedIn)
        {
            if (known.PublishedInRun != 0 && known.PublishedInRun < run)
            {
                _handedIn.TryRemove(KeyValuePair.Create(eventId, known));
            }
        }
    }

    private static async Task<bool> IsIntactAsync(IIntegrationEventLog log, CancellationToken cancellationToken)
    {
        try
        {
            return await log.IsIntactAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Unreachable is not lost: the publication fails on its own and is retried.
            return true;
        }
    }

    /// <summary>Puts the rows kept after dispatch back into a log that lost them, under their first positions.</summary>
    private async Task RestoreAsync(OutboxStore store, IIntegrationEventLog log, CancellationToken cancellationToken)
    {
        // The rows of a mark still in flight are kept after dispatch too: wait for them to count.
        await CompleteInFlightMarkAsync();
        var rows = await store.ListRetainedAsync(options.Value.RestoreMaxEvents, cancellationToken);
        var retained = new List<LoggedIntegrationEvent>(rows.Count);
        foreach (var row in rows)
        {
            if (TryRead(row) is { } integrationEvent)
            {
                retained.Add(new LoggedIntegrationEvent(integrationEvent, row.LogPosition!, row.TraceParent));
            }
        }

        LogRestoring(retained.Count);
        await log.RestoreAsync(retained, cancellationToken);
    }

    private async Task WaitForWorkAsync(TimeSpan pollInterval, CancellationToken stoppingToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(pollInterval);
        try
        {
            await _wake.Reader.WaitToReadAsync(timeout.Token);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The poll interval passed without a request.
        }
        catch (OperationCanceledException)
        {
            // Stopping; the loop ends.
        }
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Outbox: {Count} events published")]
    private partial void LogDispatched(int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox: the event log lost its data; putting back the {Count} events kept after dispatch")]
    private partial void LogRestoring(int count);

    // Left in place for a build that knows the type (a rollback mid-deploy), rather than dropped.
    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox: event {IntegrationEventId} has type {EventType} v{Version}, which this build does not know; it stays queued")]
    private partial void LogUnknownType(Guid integrationEventId, string eventType, int version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox: the payload of event {IntegrationEventId} ({EventType} v{Version}) cannot be read; it stays queued")]
    private partial void LogUnreadablePayload(Exception exception, Guid integrationEventId, string eventType, int version);

    [LoggerMessage(Level = LogLevel.Error, Message = "Outbox sweep failed")]
    private partial void LogSweepFailed(Exception exception);

    /// <summary>An event handed in, the span it was raised in, and the run that published it (0 until then).</summary>
    private readonly record struct HandedIn(IIntegrationEvent Event, ActivityContext RequestSpan, long PublishedInRun = 0);

    /// <summary>A publication whose events are in the log and whose rows are still being marked.</summary>
    private sealed record MarkingRows(Task<int> Publication, HashSet<Guid> EventIds);

    /// <summary>The previous run's mark, with the scope its context belongs to.</summary>
    private sealed record InFlightMark(Task Publication, AsyncServiceScope Scope, HashSet<Guid> EventIds);

    public override void Dispose()
    {
        _running.Dispose();
        base.Dispose();
    }
}
