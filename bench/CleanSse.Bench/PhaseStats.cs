using System.Buffers.Text;
using System.Diagnostics;

namespace CleanSse.Bench;

/// <summary>
/// What the clients saw during one measured phase. Every order the bench sends carries its send timestamp in the
/// customer name (<c>lat~TIMESTAMP~</c>); a client finds it in the event data and records publish-to-receive latency.
/// Events sent before the phase started (late stragglers of an earlier one) are counted apart and not measured.
/// </summary>
public sealed class PhaseStats(long startTimestamp)
{
    /// <summary>A phase that measures nothing: what the clients report into between phases.</summary>
    public static readonly PhaseStats Idle = new(long.MaxValue);

    private long _received;
    private long _stale;
    private long _lastReceive;

    public long StartTimestamp { get; } = startTimestamp;

    public LatencyHistogram Latency { get; } = new();

    public long Received => Interlocked.Read(ref _received);

    public long Stale => Interlocked.Read(ref _stale);

    public long LastReceiveTimestamp => Interlocked.Read(ref _lastReceive);

    /// <summary>
    /// Finds every complete timestamp marker in <paramref name="data"/>, records it, and returns how many trailing bytes
    /// may hold the start of a marker cut by the read: the caller keeps them in front of its next read.
    /// </summary>
    public int Scan(ReadOnlySpan<byte> data, long now)
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

            if (Utf8Parser.TryParse(data.Slice(start, end), out long sent, out _))
            {
                if (sent >= StartTimestamp)
                {
                    Latency.Record(now - sent);
                    counted++;
                }
                else
                {
                    Interlocked.Increment(ref _stale);
                }
            }

            position = start + end + 1;
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
