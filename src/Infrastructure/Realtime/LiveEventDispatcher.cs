using System.Diagnostics;
using CleanSse.Application.Common.Tracing;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// The one reader of the event log's live feed in this process: it hands every event, in order, to the hub.
/// </summary>
internal sealed partial class LiveEventDispatcher(IEventLog log, SseConnectionHub hub, ILogger<LiveEventDispatcher> logger)
    : BackgroundService
{
    private IAsyncEnumerable<LoggedEvent>? _feed;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Subscribed before the host accepts requests, so no event appended after start can miss the live feed.
        _feed = log.SubscribeAsync(CancellationToken.None);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var feed = _feed ?? log.SubscribeAsync(stoppingToken);
                _feed = null;
                await foreach (var logged in feed.WithCancellation(stoppingToken))
                {
                    Deliver(logged);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (HistoryGapException)
            {
                // Live events were lost to this process (its reader fell behind the retained history). Its streams
                // cannot be made whole in place: end them, and each resumes or resets from its own Last-Event-ID.
                LogFeedGap(hub.Count);
                hub.CloseOpenStreams();
            }
            catch (Exception exception)
            {
                LogFeedFailed(exception);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>
    /// Offers the event to every stream that may see it, in a span that continues its append's trace (from whichever
    /// instance appended it), with the number of streams it was queued for.
    /// </summary>
    private void Deliver(LoggedEvent logged)
    {
        if (!Telemetry.Source.HasListeners() || logged.TraceParent is null)
        {
            hub.Broadcast(logged);
            return;
        }

        using var activity = Telemetry.Source.StartActivity($"deliver {logged.Type}", ActivityKind.Consumer, Telemetry.ContextOf(logged.TraceParent));
        activity?.SetTag("cleansse.stream.event_id", logged.Id);
        var streams = hub.Broadcast(logged);
        activity?.SetTag("cleansse.sse.streams", streams);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The live event feed skipped trimmed events; ending {Count} streams so they resume")]
    private partial void LogFeedGap(int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "The live event feed failed; resubscribing")]
    private partial void LogFeedFailed(Exception exception);
}
