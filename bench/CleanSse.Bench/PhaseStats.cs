using System.Buffers.Text;
using System.Diagnostics;

namespace CleanSse.Bench;

/// <summary>
/// What the clients saw during one measured phase. Every order the bench sends carries its send timestamp in the
/// customer name (<c>lat~TIMESTAMP~</c>); a client finds it in the event data and records publish-to-receive latency.
/// Events sent before the phase started (late stragglers of an earlier one) are counted apart and not measured. An
/// order placed by a customer also names itself (<c>lat~TIMESTAMP~oK~</c>); with a <see cref="Ledger"/>, each stream's
/// receipt of order K is checked against what that stream may see.
/// </summary>
public sealed class PhaseStats(long startTimestamp, AudienceLedger? ledger = null)
{
    /// <summary>A phase that measures nothing: what the clients report into between phases.</summary>
    public static readonly PhaseStats Idle = new(long.MaxValue);

    private long _received;
    private long _unwanted;
    private long _stale;
    private long _lastReceive;

    public long StartTimestamp { get; } = startTimestamp;

    public AudienceLedger? Ledger { get; } = ledger;

    public LatencyHistogram Latency { get; } = new();

    public long Received => Interlocked.Read(ref _received);

    public long Stale => Interlocked.Read(ref _stale);

    /// <summary>Deliveries the <see cref="Ledger"/> refused (another customer's order, or one received before): not measured.</summary>
    public long Unwanted => Interlocked.Read(ref _unwanted);

    public long LastReceiveTimestamp => Interlocked.Read(ref _lastReceive);

    /// <summary>
    /// Finds every complete timestamp marker in <paramref name="data"/>, records it, and returns how many trailing bytes
    /// may hold the start of a marker cut by the read: the caller keeps them in front of its next read.
    /// </summary>
    /// <param name="stream">The receiving connection's number, for the <see cref="Ledger"/>.</param>
    public int Scan(ReadOnlySpan<byte> data, long now, int stream)
    {
        var marker = "lat~"u8;
        var position = 0;
        var counted = 0;
        var carry = 0;
        while (true)
        {
            var found = data[position..].IndexOf(marker);
            if (found < 0)
            {
                carry = Math.Min(marker.Length - 1, data.Length - position);
                break;
            }

            var start = position + found + marker.Length;
            var end = data[start..].IndexOf((byte)'~');
            if (end < 0)
            {
                var partial = data.Length - (position + found);
                carry = partial <= 32 ? partial : 0;
                break;
            }

            var next = start + end + 1;
            var order = -1;
            if (data.Length > next && data[next] == (byte)'o')
            {
                var close = data[(next + 1)..].IndexOf((byte)'~');
                if (close < 0)
                {
                    // The order's name was cut by the read: keep the whole marker for the next one.
                    var partial = data.Length - (position + found);
                    carry = partial <= 48 ? partial : 0;
                    break;
                }

                if (Utf8Parser.TryParse(data.Slice(next + 1, close), out int parsed, out _))
                {
                    order = parsed;
                }

                next += close + 2;
            }
            else if (data.Length == next && Ledger is not null)
            {
                // A customer's marker may go on past the end of this read.
                var partial = data.Length - (position + found);
                carry = partial <= 48 ? partial : 0;
                break;
            }

            if (Utf8Parser.TryParse(data.Slice(start, end), out long sent, out _))
            {
                if (sent < StartTimestamp)
                {
                    Interlocked.Increment(ref _stale);
                }
                else if (order < 0 || Ledger is null || Ledger.Record(stream, order))
                {
                    Latency.Record(now - sent);
                    counted++;
                }
                else
                {
                    Interlocked.Increment(ref _unwanted);
                }
            }

            position = next;
        }

        if (counted > 0)
        {
            Interlocked.Add(ref _received, counted);
            var last = Interlocked.Read(ref _lastReceive);
            while (now > last)
            {
                var seen = Interlocked.CompareExchange(ref _lastReceive, now, last);
                if (seen == last)
                {
                    break;
                }

                last = seen;
            }
        }

        return carry;
    }

    public static double Seconds(long fromTimestamp, long toTimestamp) =>
        (toTimestamp - fromTimestamp) / (double)Stopwatch.Frequency;
}
