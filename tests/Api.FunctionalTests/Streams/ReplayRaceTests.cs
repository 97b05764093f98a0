using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>The hand-over from replay to live while other requests keep publishing: no gap, no duplicate.</summary>
public sealed class ReplayRaceTests(ReplayRaceFixture fixture) : IClassFixture<ReplayRaceFixture>
{
    private const int Rounds = 20;

    private SseConnectionHub Hub => fixture.Host.GetRequiredService<SseConnectionHub>();

    private IEventLog Log => fixture.Host.GetRequiredService<IEventLog>();

    [Fact]
    public async Task A_resuming_stream_receives_the_log_in_order_while_publishers_keep_appending()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        for (var round = 0; round < Rounds; round++)
        {
            var context = $"seed {seed}, round {round}";
            await Eventually.HoldsAsync(() => Hub.Count == 0, $"{context}: the previous round's stream is gone", cancellationToken: TestContext.Current.CancellationToken);

            var resumeFrom = (await AppendAsync(round, "resume-point")).Id;
            var backlog = random.Next(0, 400);
            for (var i = 0; i < backlog; i++)
            {
                await AppendAsync(round, $"backlog {i}");
            }

            var publishers = Enumerable.Range(0, random.Next(2, 5))
                .Select(publisher => PublishUntilLiveAsync(round, publisher, new Random(random.Next()), minimum: random.Next(10, 80)))
                .ToList();
            await using var stream = await SseReader.ConnectAsync(fixture.Host, lastEventIdHeader: resumeFrom);
            await Task.WhenAll(publishers);

            var expected = (await Log.ReadAllAfterAsync(resumeFrom)).Select(logged => logged.Id).ToList();
            var received = await stream.ReadEventsAsync(expected.Count, TimeSpan.FromSeconds(30));
            received.Select(e => e.Id).ShouldBe(expected, $"{context}: {backlog} in the backlog, {publishers.Count} publishers");

            // Nothing follows twice: the next event is the one appended now.
            var sentinel = await AppendAsync(round, "sentinel");
            (await stream.ReadEventAsync()).Id.ShouldBe(sentinel.Id, context);
        }
    }

    /// <summary>Appends at an uneven pace until the resuming stream has gone live, then a few more.</summary>
    private async Task PublishUntilLiveAsync(int round, int publisher, Random random, int minimum)
    {
        await Task.Yield();
        var after = random.Next(5, 30);
        for (var i = 0; i < 5_000; i++)
        {
            await AppendAsync(round, $"publisher {publisher} #{i}");
            if (i >= minimum && Hub.Connections.Any(connection => connection.IsLive) && --after <= 0)
            {
                return;
            }

            if (random.Next(6) == 0)
            {
                await Task.Delay(1, TestContext.Current.CancellationToken);
            }
        }
    }

    private Task<LoggedEvent> AppendAsync(int round, string label) =>
        Log.AppendAsync("probe", $$"""{"round":{{round}},"label":"{{label}}"}""", TestContext.Current.CancellationToken).AsTask();
}
