using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Threading.Channels;
using CleanSse.Application.Common.Tracing;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Realtime.EventLog;

/// <summary>
/// The event log of a single process: a ring of the newest events, bounded by count and by age. Its ids are
/// <c>{epoch}-{sequence}</c>, the epoch drawn when the log starts, so an id of a previous process is unknown here. The
/// epoch begins with the log's start time (milliseconds, in hex), so any id, even one of an earlier process, tells a
/// time at or before its event's.
/// </summary>
public sealed class InMemoryEventLog : IEventLog
{
    private const int InitialCapacity = 256;

    private readonly Lock _gate = new();
    private readonly EventLogOptions _options;
    private readonly TimeProvider _clock;
    private readonly List<Channel<LoggedEvent>> _subscribers = [];
    private readonly Dictionary<string, LoggedEvent> _byKey = new(StringComparer.Ordinal);

    private LoggedEvent[] _ring = new LoggedEvent[InitialCapacity];
    private long _firstSequence = 1;
    private int _count;
    private long _headSequence;

    public InMemoryEventLog(IOptions<EventLogOptions> options, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _clock = clock;
        var startedAt = clock.GetUtcNow().ToUnixTimeMilliseconds();
        Epoch = string.Create(CultureInfo.InvariantCulture, $"{startedAt:x11}{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}");
    }

    /// <summary>Drawn when the log starts; part of every id it hands out.</summary>
    public string Epoch { get; }

    // A single append is kept under the span it runs in; a batch carries each event's own span.
    public ValueTask<LoggedEvent> AppendAsync(string type, string data, string? deduplicationKey, string? ownerId, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            TrimExpired(now);
            return ValueTask.FromResult(Append(new EventAppend(type, data, deduplicationKey, ownerId, Telemetry.CurrentTraceParent()), now));
        }
    }

    public ValueTask<IReadOnlyList<LoggedEvent>> AppendBatchAsync(IReadOnlyList<EventAppend> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        var now = _clock.GetUtcNow();
        var logged = new LoggedEvent[events.Count];
        lock (_gate)
        {
            TrimExpired(now);
            for (var i = 0; i < events.Count; i++)
            {
                logged[i] = Append(events[i], now);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<LoggedEvent>>(logged);
    }

    public DateTimeOffset? LoggedNoEarlierThan(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return dash == Epoch.Length
            && long.TryParse(id.AsSpan(0, 11), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var startedAt)
            && startedAt < 253_402_300_800_000L
                ? DateTimeOffset.FromUnixTimeMilliseconds(startedAt)
                : null;
    }

    public ValueTask<(EventPosition Position, string Id)> GetHeadAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return ValueTask.FromResult((new EventPosition(_headSequence, 0), FormatId(_headSequence)));
        }
    }

    public ValueTask<ResumePoint> ResolveAsync(string lastEventId, CancellationToken cancellationToken)
    {
        if (!TryParseSequence(lastEventId, out var sequence))
        {
            return ValueTask.FromResult(ResumePoint.Gap);
        }

        lock (_gate)
        {
            TrimExpired(_clock.GetUtcNow());
            var replayable = sequence <= _headSequence && sequence >= _firstSequence - 1;
            return ValueTask.FromResult(replayable ? ResumePoint.ReplayAfter(new EventPosition(sequence, 0)) : ResumePoint.Gap);
        }
    }

    public ValueTask<IReadOnlyList<LoggedEvent>> ReadAfterAsync(EventPosition after, int maxCount, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        lock (_gate)
        {
            TrimExpired(_clock.GetUtcNow());
            var start = after.Major + 1;
            if (start < _firstSequence)
            {
                throw new HistoryGapException();
            }

            var available = _headSequence - after.Major;
            if (available <= 0)
            {
                return ValueTask.FromResult<IReadOnlyList<LoggedEvent>>([]);
            }

            var batch = new LoggedEvent[(int)Math.Min(available, maxCount)];
            for (var i = 0; i < batch.Length; i++)
            {
                batch[i] = _ring[Index(start + i)];
            }

            return ValueTask.FromResult<IReadOnlyList<LoggedEvent>>(batch);
        }
    }

    public IAsyncEnumerable<LoggedEvent> SubscribeAsync(CancellationToken cancellationToken)
    {
        // Unbounded, but its one reader is the dispatcher, which never waits on a client. Registered here rather than
        // when the reader first asks for an event, so nothing appended in between is lost.
        var channel = Channel.CreateUnbounded<LoggedEvent>(new UnboundedChannelOptions { SingleReader = true });
        lock (_gate)
        {
            _subscribers.Add(channel);
        }

        return ReadFeedAsync(channel, cancellationToken);
    }

    private async IAsyncEnumerable<LoggedEvent> ReadFeedAsync(
        Channel<LoggedEvent> channel,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var logged in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return logged;
            }
        }
        finally
        {
            lock (_gate)
            {
                _subscribers.Remove(channel);
            }
        }
    }

    private LoggedEvent Append(EventAppend append, DateTimeOffset now)
    {
        var (type, data, deduplicationKey, ownerId, traceParent) = append;
        if (deduplicationKey is not null && _byKey.TryGetValue(deduplicationKey, out var earlier))
        {
            return earlier;
        }

        var sequence = _headSequence + 1;
        var logged = new LoggedEvent(new EventPosition(sequence, 0), FormatId(sequence), type, data, now, deduplicationKey, ownerId, traceParent);
        if (deduplicationKey is not null)
        {
            _byKey[deduplicationKey] = logged;
        }

        if (_count == _options.MaxEvents)
        {
            RemoveOldest();
        }

        EnsureCapacity();
        _ring[Index(sequence)] = logged;
        _count++;
        _headSequence = sequence;

        foreach (var subscriber in _subscribers)
        {
            subscriber.Writer.TryWrite(logged);
        }

        return logged;
    }

    private string FormatId(long sequence) => string.Create(CultureInfo.InvariantCulture, $"{Epoch}-{sequence}");

    private bool TryParseSequence(string id, out long sequence)
    {
        sequence = 0;
        var span = id.AsSpan();
        return span.Length > Epoch.Length + 1
            && span.StartsWith(Epoch, StringComparison.Ordinal)
            && span[Epoch.Length] == '-'
            && long.TryParse(span[(Epoch.Length + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out sequence);
    }

    private int Index(long sequence) => (int)(sequence % _ring.Length);

    private void TrimExpired(DateTimeOffset now)
    {
        var cutoff = now - _options.MaxAge;
        while (_count > 0 && _ring[Index(_firstSequence)].Timestamp < cutoff)
        {
            RemoveOldest();
        }

        if (_count == 0)
        {
            _firstSequence = _headSequence + 1;
        }
    }

    private void RemoveOldest()
    {
        var oldest = _ring[Index(_firstSequence)];
        if (oldest.DeduplicationKey is not null)
        {
            _byKey.Remove(oldest.DeduplicationKey);
        }

        _ring[Index(_firstSequence)] = null!;
        _firstSequence++;
        _count--;
    }

    private void EnsureCapacity()
    {
        if (_count < _ring.Length)
        {
            return;
        }

        // Grows by doubling up to the retention bound; positions map to slots by modulo, so re-seat every event.
        var larger = new LoggedEvent[Math.Min(_ring.Length * 2, Math.Max(_options.MaxEvents, _ring.Length + 1))];
        for (var sequence = _firstSequence; sequence < _firstSequence + _count; sequence++)
        {
            larger[sequence % larger.Length] = _ring[Index(sequence)];
        }

        _ring = larger;
    }
}
