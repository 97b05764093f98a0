using System.Globalization;
using System.Runtime.CompilerServices;
using CleanSse.Application.Common.Tracing;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CleanSse.Infrastructure.Realtime.Redis;

/// <summary>
/// The event log on a Redis stream, shared by every instance: the stream entry id is the event id, XADD trims it by
/// count and age, XRANGE replays it, and one XREAD loop per process feeds the local hub. An id is replayable only if
/// it is an entry of this stream (or its trim boundary) and nothing after it was trimmed; anything else is a gap.
/// </summary>
internal sealed partial class RedisStreamEventLog(
    RedisConnections connections,
    RedisOptions redis,
    IOptions<EventLogOptions> history,
    TimeProvider clock,
    ILogger<RedisStreamEventLog> logger) : IEventLog
{
    private const string TypeField = "t";
    private const string DataField = "d";
    private const string KeyField = "k";

    // The event's owner; absent or empty (an entry written before owners were kept) means staff only.
    private const string OwnerField = "o";

    // The W3C traceparent of the append; absent or empty when it was not traced.
    private const string TraceParentField = "p";

    // Appends atomically: a key seen before returns the id it was logged under; otherwise XADD trimmed by count, then
    // by age (server clock), and remember the key for as long as the history lasts.
    private static readonly LuaScript AppendScript = LuaScript.Prepare("""
        if @key ~= '' then
          local existing = redis.call('GET', @dedupeKey)
          if existing then return existing end
        end
        local id = redis.call('XADD', @stream, 'MAXLEN', '~', @maxLength, '*', 't', @type, 'd', @data, 'k', @key, 'o', @owner, 'p', @traceParent)
        local now = redis.call('TIME')
        local minId = (tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)) - tonumber(@maxAgeMs)
        if minId > 0 then redis.call('XTRIM', @stream, 'MINID', '~', string.format('%d', minId)) end
        if @key ~= '' then redis.call('SET', @dedupeKey, id, 'PX', @maxAgeMs) end
        return id
        """);

    private readonly RedisKey _stream = redis.StreamKey;

    public async ValueTask<LoggedEvent> AppendAsync(string type, string data, string? deduplicationKey, string? ownerId, CancellationToken cancellationToken)
    {
        // While Redis is unreachable, fail at once rather than after the command timeout: the caller is a request that
        // already committed its order, and the outbox will append the event when Redis is back.
        if (!await connections.IsConnectedAsync())
        {
            throw new RedisException("Redis is not connected; the event stays in the outbox.");
        }

        var db = await connections.CommandsAsync();
        var options = history.Value;
        var traceParent = Telemetry.CurrentTraceParent();
        var result = await db.ScriptEvaluateAsync(AppendScript, new
        {
            stream = _stream,
            dedupeKey = (RedisKey)redis.DeduplicationKey(deduplicationKey ?? string.Empty),
            key = deduplicationKey ?? string.Empty,
            type,
            data,
            owner = ownerId ?? string.Empty,
            traceParent = traceParent ?? string.Empty,
            maxLength = options.MaxEvents,
            maxAgeMs = (long)options.MaxAge.TotalMilliseconds,
        });

        var id = (string)result!;
        return new LoggedEvent(ParsePosition(id), id, type, data, clock.GetUtcNow(), deduplicationKey, ownerId, traceParent);
    }

    public async ValueTask<(EventPosition Position, string Id)> GetHeadAsync(CancellationToken cancellationToken)
    {
        var info = await TryGetInfoAsync();
        var id = info?.LastGeneratedId.ToString() ?? "0-0";
        return (ParsePosition(id), id);
    }

    public async ValueTask<ResumePoint> ResolveAsync(string lastEventId, CancellationToken cancellationToken)
    {
        if (!TryParsePosition(lastEventId, out var position))
        {
            return ResumePoint.Gap;
        }

        var info = await TryGetInfoAsync();
        var lastGenerated = info is null ? default : ParsePosition(info.Value.LastGeneratedId.ToString());
        var trimmedThrough = info is null ? default : TrimmedThrough(info.Value);
        if (position > lastGenerated || position < trimmedThrough)
        {
            return ResumePoint.Gap;
        }

        if (position == trimmedThrough)
        {
            // Nothing after the trim boundary (or, with nothing ever trimmed, after the origin) is missing.
            return ResumePoint.ReplayAfter(position);
        }

        // Within range, but is it one of ours? An id of a wiped or different stream is not an entry here.
        var db = await connections.CommandsAsync();
        var entry = await db.StreamRangeAsync(_stream, lastEventId, lastEventId, count: 1);
        return entry.Length == 1 ? ResumePoint.ReplayAfter(position) : ResumePoint.Gap;
    }

    public async ValueTask<IReadOnlyList<LoggedEvent>> ReadAfterAsync(EventPosition after, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var db = await connections.CommandsAsync();
        var entries = await db.StreamRangeAsync(_stream, "(" + FormatId(after), "+", maxCount);

        // Checked after the read: if nothing after `after` had been trimmed by then, the read missed nothing.
        var info = await TryGetInfoAsync();
        if (info is { } stream && TrimmedThrough(stream) > after)
        {
            throw new HistoryGapException();
        }

        return [.. entries.Select(ToLoggedEvent)];
    }

    public IAsyncEnumerable<LoggedEvent> SubscribeAsync(CancellationToken cancellationToken)
    {
        // The starting point is taken now, when the subscriber asks, not when it first reads.
        var start = GetHeadIdOrNullAsync();
        return ReadLiveAsync(start, cancellationToken);
    }

    private async IAsyncEnumerable<LoggedEvent> ReadLiveAsync(Task<string?> start, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Without a head now, the feed starts from the origin rather than from a head read later: by then streams of
        // this process may have caught up and events been appended that a later head would skip. Streams drop what
        // they already hold; if the origin's successors were trimmed, that is a gap and the streams resume elsewhere.
        var last = await start ?? "0-0";
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var (batch, failed) = await ReadLiveBatchAsync(last, failures > 0);
            if (failed)
            {
                await DelayAfterFailureAsync(++failures, cancellationToken);
                continue;
            }

            failures = 0;
            foreach (var logged in batch)
            {
                last = logged.Id;
                yield return logged;
            }
        }
    }

    private async Task<(IReadOnlyList<LoggedEvent> Batch, bool Failed)> ReadLiveBatchAsync(string after, bool checkForGap)
    {
        try
        {
            if (checkForGap && await TryGetInfoAsync() is { } info
                && TrimmedThrough(info) > ParsePosition(after))
            {
                // While this reader was cut off, entries it had not read were trimmed: its streams cannot be made
                // whole live. The dispatcher ends them; they reconnect and resume or reset from their own ids.
                throw new HistoryGapException("The live reader fell behind the stream's retained history.");
            }

            var db = await connections.ReaderAsync();
            var result = await db.ExecuteAsync(
                "XREAD", "COUNT", 512, "BLOCK", (long)redis.ReadBlock.TotalMilliseconds, "STREAMS", _stream, after);
            return (ParseXRead(result), false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or ObjectDisposedException)
        {
            LogReaderFailed(exception);
            return ([], true);
        }
    }

    private async Task DelayAfterFailureAsync(int failures, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(Math.Min(2000, 100 * Math.Pow(2, Math.Min(failures, 5))));
        await Task.Delay(delay, clock, cancellationToken);
    }

    private async Task<string?> GetHeadIdOrNullAsync()
    {
        try
        {
            var info = await TryGetInfoAsync();
            return info?.LastGeneratedId.ToString() ?? "0-0";
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogReaderFailed(exception);
            return null;
        }
    }

    private async Task<StreamInfo?> TryGetInfoAsync()
    {
        var db = await connections.CommandsAsync();
        try
        {
            return await db.StreamInfoAsync(_stream);
        }
        catch (RedisServerException exception) when (exception.Message.Contains("no such key", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
    }

    private LoggedEvent ToLoggedEvent(StreamEntry entry)
    {
        var id = entry.Id.ToString();
        var key = entry[KeyField].ToString();
        var owner = entry[OwnerField].ToString();
        var traceParent = entry[TraceParentField].ToString();
        return new LoggedEvent(
            ParsePosition(id),
            id,
            entry[TypeField].ToString(),
            entry[DataField].ToString(),
            DateTimeOffset.FromUnixTimeMilliseconds(ParsePosition(id).Major),
            string.IsNullOrEmpty(key) ? null : key,
            string.IsNullOrEmpty(owner) ? null : owner,
            string.IsNullOrEmpty(traceParent) ? null : traceParent);
    }

    private List<LoggedEvent> ParseXRead(RedisResult result)
    {
        var events = new List<LoggedEvent>();
        if (result.IsNull)
        {
            return events;
        }

        // [[stream, [[id, [field, value, ...]], ...]]]
        foreach (var stream in (RedisResult[])result!)
        {
            var entries = (RedisResult[])((RedisResult[])stream!)[1]!;
            foreach (var entry in entries)
            {
                var parts = (RedisResult[])entry!;
                var fields = (RedisValue[])parts[1]!;
                var values = new NameValueEntry[fields.Length / 2];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = new NameValueEntry(fields[2 * i], fields[(2 * i) + 1]);
                }

                events.Add(ToLoggedEvent(new StreamEntry((RedisValue)parts[0], values)));
            }
        }

        return events;
    }

    /// <summary>
    /// The newest position that may have been removed: every entry at or before it is gone, every one after it is kept.
    /// XADD MAXLEN and XTRIM MINID do not move max-deleted-entry-id (only XDEL does), so once entries were removed
    /// (more added than held) the boundary is the position just before the first entry held, or the last id when none is.
    /// </summary>
    private static EventPosition TrimmedThrough(StreamInfo info)
    {
        var deleted = ParsePosition(info.MaxDeletedEntryId.ToString());
        if (info.EntriesAdded <= info.Length)
        {
            return deleted;
        }

        EventPosition trimmed;
        if (info.Length == 0 || info.FirstEntry.IsNull)
        {
            trimmed = ParsePosition(info.LastGeneratedId.ToString());
        }
        else
        {
            var first = ParsePosition(info.FirstEntry.Id.ToString());
            trimmed = first.Minor > 0 ? first with { Minor = first.Minor - 1 } : new EventPosition(first.Major - 1, long.MaxValue);
        }

        return trimmed > deleted ? trimmed : deleted;
    }

    private static string FormatId(EventPosition position) =>
        string.Create(CultureInfo.InvariantCulture, $"{position.Major}-{position.Minor}");

    private static EventPosition ParsePosition(string id) =>
        TryParsePosition(id, out var position) ? position : throw new FormatException($"'{id}' is not a stream entry id.");

    private static bool TryParsePosition(string? id, out EventPosition position)
    {
        position = default;
        var span = id.AsSpan();
        var dash = span.IndexOf('-');
        if (dash <= 0
            || !long.TryParse(span[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            || !long.TryParse(span[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var sequence))
        {
            return false;
        }

        position = new EventPosition(milliseconds, sequence);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis live reader failed; retrying from the last delivered entry")]
    private partial void LogReaderFailed(Exception exception);
}
