using System.Diagnostics;
using CleanSse.Application.Common.Tracing;
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
    /// <param name="events">The committed events, oldest first.</param>
    /// <param name="cancellationToken">Cancels the publication.</param>
    /// <param name="traces">
    /// Where each event's <c>publish</c> span joins its trace (by index): its request's span, or the commit stored with
    /// its outbox row and a link to the sweep. Without it, every span is a child of the current one.
    /// </param>
    /// <param name="appended">
    /// Called once the log holds the events, before they are marked in the outbox: what waits for them being on the
    /// streams need not wait for the mark as well.
    /// </param>
    /// <returns>How many were published: all of them, or none.</returns>
    /// <exception cref="IntegrationEventLogLostException">The log must be restored before anything else goes out.</exception>
    public async Task<int> PublishAsync(
        IReadOnlyList<IIntegrationEvent> events,
        CancellationToken cancellationToken,
        IReadOnlyList<PublishTrace>? traces = null,
        Action? appended = null)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return 0;
        }

        if (traces is not null && traces.Count != events.Count)
        {
            throw new ArgumentException("Every event needs its trace.", nameof(traces));
        }

        var spans = StartPublishSpans(events, traces);
        try
        {
            IReadOnlyList<string> positions;
            try
            {
                var committed = new IntegrationEventsCommitted(events, spans is null ? null : [.. spans.Select(span => span?.Context ?? default)]);
                await publisher.Publish(committed, cancellationToken);
                positions = committed.Positions ?? throw new InvalidOperationException("No event log handled the committed events.");
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                MarkFailed(spans, exception);
                if (exception is IntegrationEventLogLostException)
                {
                    throw;
                }

                // All wait, in order, for the next attempt.
                LogPublishFailed(exception, events.Count, events[0].EventId);
                return 0;
            }

            appended?.Invoke();
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
        finally
        {
            EndSpans(spans);
        }
    }

    /// <summary>
    /// One <c>publish</c> span per event, each under its own parent, so the events of one batch stay in the traces of
    /// the requests that committed them; null when no tracer listens.
    /// </summary>
    private static Activity?[]? StartPublishSpans(IReadOnlyList<IIntegrationEvent> events, IReadOnlyList<PublishTrace>? traces)
    {
        if (!Telemetry.Source.HasListeners())
        {
            return null;
        }

        var current = Activity.Current;
        var spans = new Activity?[events.Count];
        try
        {
            for (var i = 0; i < events.Count; i++)
            {
                var trace = traces is null ? default : traces[i];
                ActivityLink[]? links = trace.Link == default ? null : [new ActivityLink(trace.Link)];
                var span = Telemetry.Source.StartActivity($"publish {events[i].GetType().Name}", ActivityKind.Producer, trace.Parent, links: links);
                span?.SetTag("cleansse.event.id", events[i].EventId);
                spans[i] = span;

                // Starting a span makes it current; the next event's span is its sibling, not its child.
                Activity.Current = current;
            }
        }
        catch
        {
            Activity.Current = current;
            throw;
        }

        return spans;
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not publish {Count} events from {IntegrationEventId} now; they stay in the outbox")]
    private partial void LogPublishFailed(Exception exception, int count, Guid integrationEventId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} published events could not be marked so; they are appended again and de-duplicated")]
    private partial void LogMarkFailed(Exception exception, int count);
}
