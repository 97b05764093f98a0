namespace CleanSse.Client;

/// <summary>The wait before a reconnect: exponential backoff with full jitter, between a floor and a cap.</summary>
internal static class ReconnectDelay
{
    /// <summary>The longest wait a timer accepts.</summary>
    internal static readonly TimeSpan Longest = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <param name="retryDelay">The base of the backoff.</param>
    /// <param name="maxRetryDelay">The cap of the backoff.</param>
    /// <param name="failures">Attempts in a row that failed; 0 after a connection that worked.</param>
    /// <param name="serverRetry">The server's last <c>retry:</c>, the floor of every wait.</param>
    /// <param name="retryAfter">The <c>Retry-After</c> of a 429 or 503, which replaces the backoff.</param>
    /// <param name="jitter">A number in [0, 1] that picks the wait below the backoff's ceiling.</param>
    public static TimeSpan Compute(
        TimeSpan retryDelay,
        TimeSpan maxRetryDelay,
        int failures,
        TimeSpan? serverRetry,
        TimeSpan? retryAfter,
        double jitter)
    {
        var floor = serverRetry ?? TimeSpan.Zero;
        TimeSpan wait;
        if (retryAfter is { } after)
        {
            wait = after;
        }
        else
        {
            var exponent = Math.Clamp(failures, 0, 62);
            var ceilingTicks = Math.Min(maxRetryDelay.Ticks, retryDelay.Ticks * Math.Pow(2, exponent));
            wait = TimeSpan.FromTicks((long)(ceilingTicks * Math.Clamp(jitter, 0, 1)));
        }

        if (wait < floor)
        {
            wait = floor;
        }

        return wait > Longest ? Longest : wait;
    }
}
