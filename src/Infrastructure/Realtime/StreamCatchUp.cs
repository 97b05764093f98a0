using System.IO.Pipelines;
using System.Text.Json;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Realtime.Wire;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// The one owner of the catch-up protocol, shared by every stream: from the first read of the log to going live.
/// A stream gets the <c>connected</c> message, then the replay of what its client missed (or a <c>reset</c> when that
/// cannot be replayed), then live events, all through its connection's queue; replay and live carry only the events
/// of the stream's audience.
/// </summary>
/// <remarks>
/// The hand-over to live is where events are lost or repeated, so it rests on three facts. The stream is registered
/// with the hub (it is admitted) before the first read here, so every event is either in the log by that read or
/// offered to the stream afterwards by the dispatcher. Until the stream goes live, those offers wait in its
/// <see cref="HandOverGate"/>. Each replayed event is recorded as queued, so at the hand-over the gate queues only the
/// held events after the last one replayed, then lets live events through.
/// </remarks>
internal sealed partial class StreamCatchUp(
    IEventLog log,
    RealtimeMetrics metrics,
    IOptions<RealtimeOptions> options,
    ILogger<StreamCatchUp> logger)
{
    public const string ResetEventType = "reset";

    private static readonly byte[] ConnectedFrame = SseFrame.Event(null, null, """{"type":"connected"}""");

    /// <summary>
    /// Runs an admitted stream on <paramref name="output"/>: catches it up and hands it over to live. The task completes
    /// once the stream has ended (the client left or was let go) and the hub has let it go; the catch-up itself keeps
    /// nothing once the stream is live.
    /// </summary>
    /// <param name="request">
    /// The stream's request, aborted when the client turned out too slow: finishing the response politely would wait
    /// on the very client that stopped reading.
    /// </param>
    public Task RunAsync(SseConnection connection, string? lastEventId, PipeWriter output, HttpContext? request = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var ended = connection.StartWriting(output, request);
        _ = CatchUpThenGoLiveAsync(connection, lastEventId);
        return ended;
    }

    /// <remarks>Never throws: nothing awaits it, and a failed catch-up ends its stream.</remarks>
    private async Task CatchUpThenGoLiveAsync(SseConnection connection, string? lastEventId)
    {
        try
        {
            await CatchUpAsync(connection, lastEventId, connection.Aborted);
            connection.GoLive();
        }
        catch (OperationCanceledException)
        {
            // The client left, or the service is shutting down, during the catch-up.
        }
        catch (Exception exception)
        {
            if (!connection.IsDisconnected)
            {
                LogCatchUpFailed(connection.Id, exception);
            }

            connection.Disconnect(DisconnectReason.ClientGone);
        }
    }

    private async Task CatchUpAsync(SseConnection connection, string? lastEventId, CancellationToken cancellationToken)
    {
        EventPosition after;
        if (string.IsNullOrEmpty(lastEventId))
        {
            // 'connected' goes out only once the stream's start is fixed: a client loads its state when it sees it,
            // so every event published after that moment must be one this stream delivers.
            (after, _) = await log.GetHeadAsync(cancellationToken);
            connection.TryEnqueue(ConnectedFrame, isEvent: false);
        }
        else
        {
            connection.TryEnqueue(ConnectedFrame, isEvent: false);
            var resume = await log.ResolveAsync(lastEventId, cancellationToken);
            if (resume.Outcome == ResumeOutcome.Replay)
            {
                metrics.ReplayStarted();
                after = resume.After;
            }
            else
            {
                after = await SendResetAsync(connection, lastEventId, cancellationToken);
            }
        }

        connection.MarkQueuedThrough(after);
        var batchSize = options.Value.ReplayBatchSize;
        while (true)
        {
            IReadOnlyList<LoggedEvent> batch;
            try
            {
                batch = await log.ReadAfterAsync(after, batchSize, cancellationToken);
            }
            catch (HistoryGapException)
            {
                // Trimmed while this client was catching up: it cannot be made whole, so it is told to reload.
                after = await SendResetAsync(connection, lastEventId ?? string.Empty, cancellationToken);
                connection.MarkQueuedThrough(after);
                continue;
            }

            var audience = connection.Audience;
            foreach (var logged in batch)
            {
                // Another customer's event is passed over, not sent: the position still moves past it, so the
                // hand-over neither waits for it nor lets it through later.
                if (audience.Sees(logged))
                {
                    await connection.EnqueueWhenRoomAsync(logged.Frame, cancellationToken);
                    metrics.EventReplayed();
                }

                after = logged.Position;
                connection.MarkQueuedThrough(after);
            }

            if (batch.Count < batchSize)
            {
                return;
            }
        }
    }

    private async Task<EventPosition> SendResetAsync(SseConnection connection, string lastEventId, CancellationToken cancellationToken)
    {
        var (head, headId) = await log.GetHeadAsync(cancellationToken);

        // The client's last event was logged no earlier than the time its id tells; every order changed after it was
        // changed at or after that time, less the margin. Reloading what changed since then makes the client whole.
        var changedSince = string.IsNullOrEmpty(lastEventId) ? null : log.LoggedNoEarlierThan(lastEventId) - options.Value.ChangedSinceMargin;
        var data = JsonSerializer.Serialize(
            new ResetData("history-gap", lastEventId, changedSince?.UtcDateTime),
            RealtimeJsonContext.Default.ResetData);

        // The reset carries the head's id, so the client's next reconnect resumes from here rather than resetting again.
        await connection.EnqueueWhenRoomAsync(SseFrame.Event(ResetEventType, headId, data), cancellationToken);
        metrics.ResetSent();
        return head;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {ConnectionId} failed while catching up")]
    private partial void LogCatchUpFailed(long connectionId, Exception exception);
}

/// <param name="Reason">Why the stream could not be replayed.</param>
/// <param name="LastEventId">The id the client asked to resume from.</param>
/// <param name="ChangedSince">
/// An instant at or before the client's last event: <c>GET /api/orders?changedSince=</c> with it returns every change
/// the client missed; null when the id tells no time (the client then reloads every page).
/// </param>
internal sealed record ResetData(string Reason, string LastEventId, DateTime? ChangedSince);
