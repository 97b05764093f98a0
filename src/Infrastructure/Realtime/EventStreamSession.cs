using System.Diagnostics;
using System.IO.Pipelines;
using System.Text.Json;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Realtime.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// Runs one stream from its first byte to its end: the <c>connected</c> message, then the replay of what the client
/// missed (or a <c>reset</c> when that cannot be replayed), then live events, all through the connection's queue.
/// </summary>
public sealed partial class EventStreamSession(
    IEventLog log,
    SseConnectionHub hub,
    RealtimeMetrics metrics,
    IOptions<RealtimeOptions> options,
    ILogger<EventStreamSession> logger)
{
    public const string ResetEventType = "reset";

    private static readonly byte[] ConnectedFrame = SseFrame.Event(null, null, """{"type":"connected"}""");

    /// <summary>Streams to <paramref name="output"/> until the client leaves or is let go, then removes it from the hub.</summary>
    public async Task RunAsync(SseConnection connection, string? lastEventId, PipeWriter output)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var started = Stopwatch.GetTimestamp();
        var pump = connection.PumpAsync(output);
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
            LogCatchUpFailed(connection.Id, exception);
            connection.Disconnect(DisconnectReason.ClientGone);
        }

        try
        {
            await pump;
        }
        finally
        {
            hub.Remove(connection);
            var lasted = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            LogStreamEnded(connection.Id, connection.RemoteAddress, lasted, connection.DisconnectReason);
            connection.Dispose();
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

            foreach (var logged in batch)
            {
                await connection.EnqueueWhenRoomAsync(logged.Frame, cancellationToken);
                metrics.EventReplayed();
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
        var data = JsonSerializer.Serialize(new ResetData("history-gap", lastEventId), RealtimeJsonContext.Default.ResetData);

        // The reset carries the head's id, so the client's next reconnect resumes from here rather than resetting again.
        await connection.EnqueueWhenRoomAsync(SseFrame.Event(ResetEventType, headId, data), cancellationToken);
        metrics.ResetSent();
        return head;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {ConnectionId} failed while catching up")]
    private partial void LogCatchUpFailed(long connectionId, Exception exception);

    // A stream's one log line (the per-request log leaves streams out): how long it lasted and why it ended.
    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {ConnectionId} from {RemoteAddress} ended after {Elapsed:0} ms: {Reason}")]
    private partial void LogStreamEnded(long connectionId, string remoteAddress, double elapsed, DisconnectReason reason);
}

internal sealed record ResetData(string Reason, string LastEventId);
