namespace CleanSse.Client.Tests;

public sealed class ReconnectDelayTests
{
    private static readonly TimeSpan Second = TimeSpan.FromSeconds(1);

    [Theory]
    [InlineData(0, 1.0, 1)]
    [InlineData(1, 1.0, 2)]
    [InlineData(3, 1.0, 8)]
    [InlineData(5, 1.0, 30)]
    [InlineData(1000, 1.0, 30)]
    [InlineData(3, 0.5, 4)]
    [InlineData(3, 0.0, 0)]
    public void The_backoff_doubles_per_failure_up_to_the_cap_and_jitter_picks_below_it(int failures, double jitter, double seconds)
    {
        var delay = ReconnectDelay.Compute(Second, 30 * Second, failures, serverRetry: null, retryAfter: null, jitter);

        delay.ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void The_server_retry_is_the_floor_even_above_the_cap()
    {
        ReconnectDelay.Compute(Second, 30 * Second, 2, serverRetry: 3 * Second, retryAfter: null, jitter: 0).ShouldBe(3 * Second);
        ReconnectDelay.Compute(Second, 30 * Second, 2, serverRetry: 3 * Second, retryAfter: null, jitter: 1).ShouldBe(4 * Second);
        ReconnectDelay.Compute(Second, 30 * Second, 2, serverRetry: 60 * Second, retryAfter: null, jitter: 1).ShouldBe(60 * Second);
    }

    [Fact]
    public void Retry_After_replaces_the_backoff_but_not_the_floor()
    {
        ReconnectDelay.Compute(Second, 30 * Second, 9, serverRetry: null, retryAfter: 120 * Second, jitter: 1).ShouldBe(120 * Second);
        ReconnectDelay.Compute(Second, 30 * Second, 9, serverRetry: 5 * Second, retryAfter: Second, jitter: 1).ShouldBe(5 * Second);
    }

    [Fact]
    public void A_delay_longer_than_a_timer_takes_is_cut_to_the_longest_one()
    {
        ReconnectDelay.Compute(Second, 30 * Second, 0, serverRetry: TimeSpan.MaxValue, retryAfter: null, jitter: 1)
            .ShouldBe(ReconnectDelay.Longest);
    }
}
