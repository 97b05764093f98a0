using CleanSse.Infrastructure.Realtime.EventLog;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>
/// One stream's hand-over from catch-up to live, held inline in its connection. Until the stream is live, the live
/// events offered to it wait here and the catch-up decides what goes out; positions at or before the last one the
/// catch-up queued are skipped, so every event goes out once, in order. <see cref="StreamCatchUp"/> drives it.
/// </summary>
/// <remarks>
/// Every step before going live runs under the connection's lock (passed in); once live, only the dispatcher's
/// thread offers, so it reads and writes the last position without it.
/// </remarks>
internal struct HandOverGate
{
    private volatile bool _live;
    private EventPosition _last;
    private List<LoggedEvent>? _pending;

    internal enum Outcome
    {
        /// <summary>Already queued by the catch-up (or before where it starts): not this stream's to send again.</summary>
        Skip,

        /// <summary>Kept until the catch-up hands over.</summary>
        Held,

        /// <summary>Live: the caller queues it now.</summary>
        Deliver,

        /// <summary>More is waiting than the stream may hold: the client cannot keep up.</summary>
        Overflow,
    }

    public readonly bool IsLive => _live;

    /// <summary>Records that the catch-up has queued everything up to <paramref name="position"/>.</summary>
    public void MarkQueuedThrough(EventPosition position, object sync)
    {
        lock (sync)
        {
            _last = position;
        }
    }

    /// <summary>The dispatcher's side: called once per event, in log order.</summary>
    public Outcome Offer(LoggedEvent logged, int maxPending, object sync)
    {
        if (!_live)
        {
            Outcome held;
            lock (sync)
            {
                held = _live ? Outcome.Deliver : Hold(logged, maxPending);
            }

            // Overflowed just as the catch-up handed over: the event is simply live.
            if (held != Outcome.Deliver && (held != Outcome.Overflow || !_live))
            {
                return held;
            }
        }

        if (logged.Position <= _last)
        {
            return Outcome.Skip;
        }

        _last = logged.Position;
        return Outcome.Deliver;
    }

    /// <summary>
    /// The catch-up's last step: queues, in order, what was held and not already queued, then lets live events
    /// through. Runs under the lock, so no live event can overtake a held one.
    /// </summary>
    public void GoLive(object sync, ILiveEventQueue queue)
    {
        lock (sync)
        {
            foreach (var logged in _pending ?? [])
            {
                if (logged.Position > _last)
                {
                    _last = logged.Position;
                    if (!queue.TryEnqueueLive(logged))
                    {
                        break;
                    }
                }
            }

            _pending = null;
            _live = true;
        }
    }

    private Outcome Hold(LoggedEvent logged, int maxPending)
    {
        // Events the catch-up has already queued (or starts after) would be skipped at the hand-over: they are not
        // part of what this client is behind by, so they neither wait here nor count against the bound.
        if (logged.Position <= _last)
        {
            return Outcome.Skip;
        }

        // Made only for a stream that is offered events while it catches up.
        var pending = _pending ??= [];
        if (pending.Count >= maxPending)
        {
            DropQueuedByCatchUp(pending);
        }

        if (pending.Count >= maxPending)
        {
            return Outcome.Overflow;
        }

        pending.Add(logged);
        return Outcome.Held;
    }

    private readonly void DropQueuedByCatchUp(List<LoggedEvent> pending)
    {
        var kept = 0;
        for (var i = 0; i < pending.Count; i++)
        {
            if (pending[i].Position > _last)
            {
                pending[kept++] = pending[i];
            }
        }

        pending.RemoveRange(kept, pending.Count - kept);
    }
}
