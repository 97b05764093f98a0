namespace CleanSse.Infrastructure.Realtime;

/// <summary>
/// How heartbeats are spread over the interval: streams are split into slices by id, and each tick visits one slice,
/// so ten thousand streams that connected in the same second do not all get their comment at the same instant.
/// </summary>
/// <remarks>
/// Every slice is visited once per half interval and a stream idle for at least half the interval gets a comment, so
/// no stream goes a whole interval without a byte. Ticks never come faster than <see cref="ShortestTick"/>, so a short
/// interval (as in tests) means fewer slices rather than a busy timer.
/// </remarks>
internal sealed record HeartbeatSchedule(TimeSpan Tick, int Slices, TimeSpan IdleAfter)
{
    public const int MaxSlices = 64;

    public static readonly TimeSpan ShortestTick = TimeSpan.FromMilliseconds(50);

    public static HeartbeatSchedule For(TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var half = interval / 2;
        var slices = (int)Math.Clamp(half.Ticks / ShortestTick.Ticks, 1, MaxSlices);
        return new HeartbeatSchedule(half / slices, slices, half);
    }

    /// <summary>The slice a stream belongs to: by its id, which is given in order of admission.</summary>
    public int SliceOf(long connectionId) => (int)(connectionId % Slices);
}
