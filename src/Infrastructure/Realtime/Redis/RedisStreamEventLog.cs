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

    // Checks that the log still holds what it had, then appends a batch atomically: a key seen before returns the id
    // it was logged under; otherwise XADD trimmed by count, and the key remembered for as long as the history lasts;
    // then one trim by age (server clock). The log is lost when its generation key is gone while this process knew one
    // (a restart without persistence, FLUSHALL, a failover to an empty replica), or when the stream's last id is behind
    // the newest id this process saw (a failover to a replica that lagged): nothing is appended, and the caller
    // restores the log first. A process that never knew a generation and finds neither key starts a new log.
    private const string AppendScript = """
        local gen = redis.call('GET', KEYS[2])
        if not gen then
          if redis.call('EXISTS', KEYS[1]) == 1 or ARGV[4] == '' then
            gen = ARGV[6]
            redis.call('SET', KEYS[2], gen)
          else
            return {'lost'}
          end
        end
        if ARGV[5] ~= '' then
          local last = '0-0'
          if redis.call('EXISTS', KEYS[1]) == 1 then
            local info = redis.call('XINFO', 'STREAM', KEYS[1])
            for i = 1, #info, 2 do if info[i] == 'last-generated-id' then last = info[i + 1] end end
          end
          local lm, ls = string.match(last, '^(%d+)-(%d+)$')
          local km, ks = string.match(ARGV[5], '^(%d+)-(%d+)$')
          lm, ls, km, ks = tonumber(lm), tonumber(ls), tonumber(km), tonumber(ks)
          if lm < km or (lm == km and ls < ks) then return {'lost'} end
        end
        local out = {'ok', gen}
        for i = 7, #ARGV, 5 do
          local key = ARGV[i + 2]
          local id = false
          if key ~= '' then id = redis.call('GET', ARGV[1] .. key) end
          if not id then
            id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[2], '*', 't', ARGV[i], 'd', ARGV[i + 1], 'k', key, 'o', ARGV[i + 3], 'p', ARGV[i + 4])
            if key ~= '' then redis.call('SET', ARGV[1] .. key, id, 'PX', ARGV[3]) end
          end
          out[#out + 1] = id
        end
        local now = redis.call('TIME')
        local minId = (tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)) - tonumber(ARGV[3])
        if minId > 0 then redis.call('XTRIM', KEYS[1], 'MINID', '~', string.format('%d', minId)) end
        return out
        """;

    // Puts back, in one step, the events a lost log held (sorted by id, each under its first id), unless another
    // instance did already. Everything older than the first event put back, and everything up to the newest id a
    // process saw that could not be put back, is marked deleted (a sentinel entry, or XSETID's max-deleted-entry-id),
    // so readers and resuming clients that needed it get a gap, and a reset, rather than a silent hole. The sentinel is
    // not counted as added, so the boundary itself stays a position to resume from (nothing after it is missing).
    private const string RestoreScript = """
        local function parse(id)
          local ms, seq = string.match(id, '^(%d+)-(%d+)$')
          return tonumber(ms), tonumber(seq)
        end
        local function less(a, b)
          local am, as = parse(a)
          local bm, bs = parse(b)
          return am < bm or (am == bm and as < bs)
        end
        local gen = redis.call('GET', KEYS[2])
        local last = '0-0'
        local length = 0
        if redis.call('EXISTS', KEYS[1]) == 1 then
          local info = redis.call('XINFO', 'STREAM', KEYS[1])
          for i = 1, #info, 2 do
            if info[i] == 'last-generated-id' then last = info[i + 1] end
            if info[i] == 'length' then length = info[i + 1] end
          end
        end
        if gen and (ARGV[4] == '' or not less(last, ARGV[4])) then return gen end
        if length == 0 then
          local boundary
          if #ARGV >= 6 then
            local ms, seq = parse(ARGV[6])
            if seq > 0 then boundary = string.format('%d-%d', ms, seq - 1) else boundary = string.format('%d-9223372036854775807', ms - 1) end
          else
            local now = redis.call('TIME')
            boundary = string.format('%d-0', tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000))
          end
          if less(last, boundary) then
            redis.call('XADD', KEYS[1], boundary, 't', '', 'd', '', 'k', '', 'o', '')
            redis.call('XDEL', KEYS[1], boundary)
            redis.call('XSETID', KEYS[1], boundary, 'ENTRIESADDED', 0, 'MAXDELETEDID', boundary)
            last = boundary
          end
        end
        for i = 6, #ARGV, 6 do
          if less(last, ARGV[i]) then
            redis.call('XADD', KEYS[1], ARGV[i], 't', ARGV[i + 1], 'd', ARGV[i + 2], 'k', ARGV[i + 3], 'o', ARGV[i + 4], 'p', ARGV[i + 5])
            if ARGV[i + 3] ~= '' then redis.call('SET', ARGV[1] .. ARGV[i + 3], ARGV[i], 'PX', ARGV[3]) end
            last = ARGV[i]
          end
        end
        if ARGV[4] ~= '' and less(last, ARGV[4]) then
          redis.call('XSETID', KEYS[1], ARGV[4], 'MAXDELETEDID', ARGV[4])
        end
        redis.call('SET', KEYS[2], ARGV[5])
        return ARGV[5]
        """;

    // Whether the log is whole: its generation key is there (or a stream without one, from before generations were
    // kept, which the next append adopts), and the stream's last id is not behind the newest id this process saw.
    private const string IntactScript = """
        local exists = redis.call('EXISTS', KEYS[1]) == 1
        if not redis.call('GET', KEYS[2]) and not exists then return 0 end
        if ARGV[1] == '' or not exists then return ARGV[1] == '' and 1 or 0 end
        local info = redis.call('XINFO', 'STREAM', KEYS[1])
        local last = '0-0'
        for i = 1, #info, 2 do if info[i] == 'last-generated-id' then last = info[i + 1] end end
        local lm, ls = string.match(last, '^(%d+)-(%d+)$')
        local km, ks = string.match(ARGV[1], '^(%d+)-(%d+)$')
        lm, ls, km, ks = tonumber(lm), tonumber(ls), tonumber(km), tonumber(ks)
        if lm < km or (lm == km and ls < ks) then return 0 end
        return 1
        """;

    // How long a replay or a new stream waits for a lost log to be restored before it is told of a gap.
    private static readonly TimeSpan RestoreWait = TimeSpan.FromSeconds(3);

    private readonly RedisKey _stream = redis.StreamKey;
    private readonly RedisKey _generationKey = redis.GenerationKey;
    private readonly Lock _gate = new();

    // What this process knows of the log: the generation it last saw, and the newest id it appended or read.
    private string? _generation;
    private EventPosition _newestSeen;

    // A single append is kept under the span it runs in; a batch carries each event's own span.
    public async ValueTask<LoggedEvent> AppendAsync(string type, string data, string? deduplicationKey, string? ownerId, CancellationToken cancellationToken) =>
        (await AppendBatchAsync([new EventAppend(type, data, deduplicationKey, ownerId, Telemetry.CurrentTraceParent())], cancellationToken))[0];

    public async ValueTask<IReadOnlyList<LoggedEvent>> AppendBatchAsync(IReadOnlyList<EventAppend> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }

        // While Redis is unreachable, fail at once rather than after the command timeout: the caller is a request that
        // already committed its order, and the outbox will append the event when Redis is back.
        if (!await connections.IsConnectedAsync())
        {
            throw new RedisException("Redis is not connected; the event stays in the outbox.");
        }

        var db = await connections.CommandsAsync(cancellationToken);
        var options = history.Value;
        var (known, newest) = Known();
        var arguments = new RedisValue[6 + (5 * events.Count)];
        arguments[0] = redis.DeduplicationKey(string.Empty);
        arguments[1] = options.MaxEvents;
        arguments[2] = (long)options.MaxAge.TotalMilliseconds;
        arguments[3] = known ?? string.Empty;
        arguments[4] = newest == EventPosition.Origin ? string.Empty : FormatId(newest);
        arguments[5] = NewGeneration();
        for (var i = 0; i < events.Count; i++)
        {
            var (type, data, key, owner, traceParent) = events[i];
            arguments[6 + (5 * i)] = type;
            arguments[7 + (5 * i)] = data;
            arguments[8 + (5 * i)] = key ?? string.Empty;
            arguments[9 + (5 * i)] = owner ?? string.Empty;
            arguments[10 + (5 * i)] = traceParent ?? string.Empty;
        }

        var result = (RedisResult[])(await db.ScriptEvaluateAsync(AppendScript, [_stream, _generationKey], arguments))!;
        if ((string?)result[0] == "lost")
        {
            throw new EventLogLostException("The Redis stream lost events it held (Redis restarted empty, was flushed, or failed over behind).");
        }

        var now = clock.GetUtcNow();
        var logged = new LoggedEvent[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            var id = (string)result[i + 2]!;
            var (type, data, key, owner, traceParent) = events[i];
            logged[i] = new LoggedEvent(ParsePosition(id), id, type, data, now, key, owner, traceParent);
        }

        Saw((string?)result[1], logged[^1].Position);
        return logged;
    }

    public async ValueTask<bool> IsIntactAsync(CancellationToken cancellationToken)
    {
        var db = await connections.CommandsAsync(cancellationToken);
        var newest = Known().Newest;
        var result = await db.ScriptEvaluateAsync(
            IntactScript, [_stream, _generationKey], [newest == EventPosition.Origin ? string.Empty : FormatId(newest)]);
        return (long)result == 1;
    }

    public async ValueTask RestoreAsync(IReadOnlyList<EventToRestore> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var db = await connections.CommandsAsync(cancellationToken);
        var options = history.Value;
        var newest = Known().Newest;
        var ordered = events
            .Select(restore => (Position: TryParsePosition(restore.Id, out var position) ? position : (EventPosition?)null, restore))
            .Where(restore => restore.Position is not null)
            .OrderBy(restore => restore.Position!.Value)
            .ToList();
        var arguments = new List<RedisValue>(5 + (6 * ordered.Count))
        {
            redis.DeduplicationKey(string.Empty),
            options.MaxEvents,
            (long)options.MaxAge.TotalMilliseconds,
            newest == EventPosition.Origin ? string.Empty : FormatId(newest),
            NewGeneration(),
        };
        foreach (var (_, (append, id)) in ordered)
        {
            arguments.Add(id);
            arguments.Add(append.Type);
            arguments.Add(append.Data);
            arguments.Add(append.DeduplicationKey ?? string.Empty);
            arguments.Add(append.OwnerId ?? string.Empty);
            arguments.Add(append.TraceParent ?? string.Empty);
        }

        var generation = (string?)await db.ScriptEvaluateAsync(RestoreScript, [_stream, _generationKey], [.. arguments]);
        Saw(generation, EventPosition.Origin);
    }

    public DateTimeOffset? LoggedNoEarlierThan(string id) =>
        TryParsePosition(id, out var position) && position.Major > 0 && position.Major < 253_402_300_800_000L
            ? DateTimeOffset.FromUnixTimeMilliseconds(position.Major)
            : null;

    public async ValueTask<(EventPosition Position, string Id)> GetHeadAsync(CancellationToken cancellationToken)
    {
        // A stream that starts now must not start in a log about to be restored: its start would come before the
        // events put back, which it would then be sent again.
        await WaitUntilRestoredAsync(cancellationToken);
        var info = await TryGetInfoAsync(cancellationToken);
        var id = info?.LastGeneratedId.ToString() ?? "0-0";
        return (ParsePosition(id), id);
    }

    public async ValueTask<ResumePoint> ResolveAsync(string lastEventId, CancellationToken cancellationToken)
    {
        if (!TryParsePosition(lastEventId, out var position))
        {
            return ResumePoint.Gap;
        }

        // A lost log is told apart from a new one only once it is restored (with what was lost marked trimmed).
        if (!await WaitUntilRestoredAsync(cancellationToken))
        {
            return ResumePoint.Gap;
        }

        var info = await TryGetInfoAsync(cancellationToken);
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
        var db = await connections.CommandsAsync(cancellationToken);
        var entry = await db.StreamRangeAsync(_stream, lastEventId, lastEventId, count: 1).WaitAsync(cancellationToken);
        return entry.Length == 1 ? ResumePoint.ReplayAfter(position) : ResumePoint.Gap;
    }

    public async ValueTask<IReadOnlyList<LoggedEvent>> ReadAfterAsync(EventPosition after, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        var db = await connections.CommandsAsync(cancellationToken);
        var entries = await db.StreamRangeAsync(_stream, "(" + FormatId(after), "+", maxCount).WaitAsync(cancellationToken);

        // Checked after the read: if nothing after `after` had been trimmed by then, the read missed nothing. A log
        // lost meanwhile is waited for: once restored, what it could not put back is marked trimmed.
        if (await GenerationAsync(cancellationToken) is null && Known().Generation is not null)
        {
            if (!await WaitUntilRestoredAsync(cancellationToken))
            {
                throw new HistoryGapException("The event log lost its data and was not restored.");
            }

            entries = await db.StreamRangeAsync(_stream, "(" + FormatId(after), "+", maxCount).WaitAsync(cancellationToken);
        }

        var info = await TryGetInfoAsync(cancellationToken);
        if (info is { } stream && TrimmedThrough(stream) > after)
        {
            throw new HistoryGapException();
        }

        return [.. entries.Select(ToLoggedEvent)];
    }

    public IAsyncEnumerable<LoggedEvent> SubscribeAsync(CancellationToken cancellationToken)
    {
        // The starting point is taken now, when the subscriber asks, not when it first reads.
        var start = GetHeadIdOrNullAsync(cancellationToken);
        return ReadLiveAsync(start, cancellationToken);
    }

    private async IAsyncEnumerable<LoggedEvent> ReadLiveAsync(Task<(string Id, string? Generation)?> start, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Without a head now, the feed starts from the origin rather than from a head read later: by then streams of
        // this process may have caught up and events been appended that a later head would skip. Streams drop what
        // they already hold; if the origin's successors were trimmed, that is a gap and the streams resume elsewhere.
        var (last, generation) = await start.WaitAsync(cancellationToken) ?? ("0-0", null);
        var startedAt = last;
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var (batch, failed) = await ReadLiveBatchAsync(last, failures > 0, cancellationToken);
            if (failed)
            {
                await DelayAfterFailureAsync(++failures, cancellationToken);
                continue;
            }

            failures = 0;
            var (now, lost, from) = await CheckGenerationAsync(generation, last, delivered: !string.Equals(last, startedAt, StringComparison.Ordinal), cancellationToken);
            last = from;
            if (lost)
            {
                // Redis lost what it held and nobody restored it yet: read nothing until it is, so nothing appended
                // meanwhile by a new log is taken for what comes after this reader's last entry.
                await Task.Delay(TimeSpan.FromMilliseconds(100), clock, cancellationToken);
            }

            generation = now ?? generation;
            foreach (var logged in batch)
            {
                last = logged.Id;
                Saw(null, logged.Position);
                yield return logged;
            }
        }
    }

    /// <summary>
    /// After a read, whether the log is still the one the reader knew: the same generation, or one restored with every
    /// entry after <paramref name="last"/> kept. Otherwise events this reader had not read are gone.
    /// </summary>
    /// <exception cref="HistoryGapException">The log was restored without the entries after <paramref name="last"/>.</exception>
    private async Task<(string? Generation, bool Lost, string Last)> CheckGenerationAsync(string? known, string last, bool delivered, CancellationToken cancellationToken)
    {
        string? current;
        try
        {
            current = await GenerationAsync(cancellationToken);
            if (current is null)
            {
                return (known, known is not null, last);
            }

            if (current == known)
            {
                return (current, false, last);
            }

            var info = await TryGetInfoAsync(cancellationToken);
            var trimmed = info is { } stream ? TrimmedThrough(stream) : EventPosition.Origin;
            if (trimmed > ParsePosition(last))
            {
                if (known is not null || delivered)
                {
                    throw new HistoryGapException("Redis lost entries this process had not read, and they could not be restored.");
                }

                // The first log this reader sees, and it has handed out nothing yet: no stream of this process holds
                // anything from before the log's start, so reading on from there skips nothing.
                last = FormatId(trimmed);
            }

            return (current, false, last);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogReaderFailed(exception);
            return (known, false, last);
        }
    }

    private async Task<(IReadOnlyList<LoggedEvent> Batch, bool Failed)> ReadLiveBatchAsync(string after, bool checkForGap, CancellationToken cancellationToken)
    {
        try
        {
            if (checkForGap && await TryGetInfoAsync(cancellationToken) is { } info
                && TrimmedThrough(info) > ParsePosition(after))
            {
                // While this reader was cut off, entries it had not read were trimmed: its streams cannot be made
                // whole live. The dispatcher ends them; they reconnect and resume or reset from their own ids.
                throw new HistoryGapException("The live reader fell behind the stream's retained history.");
            }

            var db = await connections.ReaderAsync(cancellationToken);
            var result = await db.ExecuteAsync(
                "XREAD", "COUNT", 512, "BLOCK", (long)redis.ReadBlock.TotalMilliseconds, "STREAMS", _stream, after).WaitAsync(cancellationToken);
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

    private async Task<(string Id, string? Generation)?> GetHeadIdOrNullAsync(CancellationToken cancellationToken)
    {
        try
        {
            // Both go out now, when the subscriber asks: the head must be read before anything appended after this call.
            var generation = GenerationAsync(cancellationToken);
            var info = TryGetInfoAsync(cancellationToken);
            return ((await info)?.LastGeneratedId.ToString() ?? "0-0", await generation);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            LogReaderFailed(exception);
            return null;
        }
    }

    private async Task<StreamInfo?> TryGetInfoAsync(CancellationToken cancellationToken)
    {
        var db = await connections.CommandsAsync(cancellationToken);
        try
        {
            return await db.StreamInfoAsync(_stream).WaitAsync(cancellationToken);
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

    private (string? Generation, EventPosition Newest) Known()
    {
        lock (_gate)
        {
            return (_generation, _newestSeen);
        }
    }

    private void Saw(string? generation, EventPosition position)
    {
        lock (_gate)
        {
            _generation = generation ?? _generation;
            if (position > _newestSeen)
            {
                _newestSeen = position;
            }
        }
    }

    private static string NewGeneration() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));

    /// <summary>The generation key, or null when it is gone (the log lost its data and was not restored yet).</summary>
    private async Task<string?> GenerationAsync(CancellationToken cancellationToken)
    {
        var db = await connections.CommandsAsync(cancellationToken);
        return await db.StringGetAsync(_generationKey).WaitAsync(cancellationToken);
    }

    /// <summary>
    /// Waits a little for a lost log to be restored (the dispatcher checks it every poll interval) before an answer
    /// is built on it; false when it still is not. Only a process that knew a generation can tell a lost log (both keys
    /// gone) from a new one; a stream without a generation key is one written before they were kept.
    /// </summary>
    private async Task<bool> WaitUntilRestoredAsync(CancellationToken cancellationToken)
    {
        var waited = TimeSpan.Zero;
        var step = TimeSpan.FromMilliseconds(100);
        while (true)
        {
            var db = await connections.CommandsAsync(cancellationToken);
            if (Known().Generation is null
                || await db.StringGetAsync(_generationKey).WaitAsync(cancellationToken) is { IsNull: false }
                || await db.KeyExistsAsync(_stream).WaitAsync(cancellationToken))
            {
                return true;
            }

            if (waited >= RestoreWait)
            {
                return false;
            }

            await Task.Delay(step, clock, cancellationToken);
            waited += step;
        }
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
