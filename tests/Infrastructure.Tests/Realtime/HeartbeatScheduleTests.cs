using CleanSse.Infrastructure.Realtime;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime;

public sealed class HeartbeatScheduleTests
{
    [Theory]
    [InlineData(30_000)]
    [InlineData(15_000)]
    [InlineData(1_000)]
    [InlineData(100)]
    public void Every_slice_is_visited_within_half_the_interval_and_no_tick_is_shorter_than_the_floor(int intervalMs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);

        var schedule = HeartbeatSchedule.For(interval);

        schedule.IdleAfter.ShouldBe(interval / 2);
        (schedule.Tick * schedule.Slices).ShouldBeLessThanOrEqualTo(interval / 2);
        schedule.Tick.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromTicks(Math.Min(HeartbeatSchedule.ShortestTick.Ticks, (interval / 2).Ticks)));
        schedule.Slices.ShouldBeInRange(1, HeartbeatSchedule.MaxSlices);
    }

    [Fact]
    public void The_default_interval_spreads_streams_over_the_most_slices()
    {
        var schedule = HeartbeatSchedule.For(TimeSpan.FromSeconds(30));

        schedule.Slices.ShouldBe(HeartbeatSchedule.MaxSlices);
        schedule.Tick.ShouldBe(TimeSpan.FromSeconds(15) / HeartbeatSchedule.MaxSlices);
    }

    [Fact]
    public void Streams_that_connected_together_get_their_heartbeats_on_different_ticks()
    {
        var hub = CreateHub(new RealtimeOptions { MaxConnectionsPerAddress = 10_000 });
        var streams = Enumerable.Range(0, 640).Select(_ => Open(hub, "192.0.2.1")).ToList();
        foreach (var stream in streams)
        {
            stream.GoLive();
        }

        var schedule = HeartbeatSchedule.For(TimeSpan.FromSeconds(30));
        var perTick = Enumerable.Range(0, schedule.Slices)
            .Select(slice => hub.SendHeartbeats(long.MaxValue, schedule, slice))
            .ToList();

        perTick.Sum().ShouldBe(streams.Count, "each stream once over the slices");
        perTick.Max().ShouldBeLessThanOrEqualTo(streams.Count / schedule.Slices + 1, "no tick takes more than its share");
        streams.ShouldAllBe(stream => stream.QueuedBytes == ":heartbeat\n\n".Length);
    }
}
