using System.Diagnostics;

namespace CleanSse.Bench;

/// <summary>
/// A lock-free latency histogram: 10 µs buckets up to 100 ms, then 1 ms buckets up to 100 s. Recording is one
/// interlocked increment, so every client loop can record every event it receives.
/// </summary>
public sealed class LatencyHistogram
{
    private const int FineBuckets = 10_000;
    private const long FineWidthMicros = 10;
    private const int CoarseBuckets = 100_000;
    private const long CoarseWidthMicros = 1_000;
    private const long FineLimitMicros = FineBuckets * FineWidthMicros;

    private readonly long[] _counts = new long[FineBuckets + CoarseBuckets + 1];
    private long _maxMicros;
    private long _total;

    public long Count => Interlocked.Read(ref _total);

    public void Record(long elapsedTicks, int times = 1)
    {
        var micros = Math.Max(0, elapsedTicks * 1_000_000 / Stopwatch.Frequency);
        int index;
        if (micros < FineLimitMicros)
        {
            index = (int)(micros / FineWidthMicros);
        }
        else
        {
            index = (int)Math.Min(FineBuckets + ((micros - FineLimitMicros) / CoarseWidthMicros), _counts.Length - 1);
        }

        Interlocked.Add(ref _counts[index], times);
        Interlocked.Add(ref _total, times);
        var max = Interlocked.Read(ref _maxMicros);
        while (micros > max)
        {
            var seen = Interlocked.CompareExchange(ref _maxMicros, micros, max);
            if (seen == max)
            {
                break;
            }

            max = seen;
        }
    }

    /// <summary>The value below which <paramref name="quantile"/> of the samples fall, in milliseconds (bucket's upper edge).</summary>
    public double Percentile(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return double.NaN;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
            {
                var upperMicros = i < FineBuckets
                    ? (i + 1) * FineWidthMicros
                    : FineLimitMicros + ((i - FineBuckets + 1) * CoarseWidthMicros);
                return Math.Min(upperMicros, MaxMilliseconds * 1000) / 1000.0;
            }
        }

        return MaxMilliseconds;
    }

    public double MaxMilliseconds => Interlocked.Read(ref _maxMicros) / 1000.0;
}
