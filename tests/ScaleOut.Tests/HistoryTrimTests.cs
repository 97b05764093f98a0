using System.Text.Json;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.ScaleOut.Tests.TestKit;
using CleanSse.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.ScaleOut.Tests;

/// <summary>Resuming against a Redis history that was trimmed, or that never held the id.</summary>
public sealed class HistoryTrimTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Resuming_from_before_the_trim_starts_with_a_reset_and_then_streams_live()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(Token);
        var settings = ScaleOutSettings.For(redis, database);
        settings["Realtime:History:MaxEvents"] = "5";
        await using var host = await ServiceHost.StartAsync(settings, cancellationToken: Token);

        // A client reset while the stream is still empty is handed the head's id: the new log's start, which marks
        // everything before it as gone (an id of an earlier log can never be taken for one of this).
        string originId;
        await using (var early = await EventSourceRecorder.ConnectAsync(host, Token, lastEventId: "1-0"))
        {
            await early.WaitForEventsAsync(events => events.Count >= 1, "the reset", Token);
            early.Events[0].Type.ShouldBe("reset");
            originId = early.LastEventId!;
            originId.ShouldBe((await redis.InfoAsync()).LastGeneratedId.ToString());
        }

        var firstOrder = await host.Orders.CreateAsync(cancellationToken: Token);
        var first = (await host.Services.GetRequiredService<IEventLog>().ReadAfterAsync(RedisStreamEventLogTests.ParseId(originId), 1, Token)).Single();
        var firstRow = await database.OutboxRowAsync(firstOrder.Id, "order-created", Token);
        first.DeduplicationKey.ShouldBe(firstRow!.Value.StreamKey);

        // Published through the instance's own log until Redis reports the first event trimmed.
        await RedisStreamEventLogTests.AppendUntilTrimmedAsync(redis, host.Services.GetRequiredService<IEventLog>(), first);
        var info = await redis.InfoAsync();
        RedisStreamEventLogTests.ParseId(info.FirstEntry.Id.ToString()).ShouldBeGreaterThan(first.Position);

        await using var client = await EventSourceRecorder.ConnectAsync(host, Token, lastEventId: first.Id);
        await client.WaitForEventsAsync(events => events.Count >= 1, "the reset", Token);
        var reset = client.Events[0];
        reset.Type.ShouldBe("reset");
        reset.Id.ShouldBe(info.LastGeneratedId.ToString(), "the reset carries the head's id, so the next resume starts there");
        using (var data = JsonDocument.Parse(reset.Data))
        {
            data.RootElement.GetProperty("reason").GetString().ShouldBe("history-gap");
            data.RootElement.GetProperty("lastEventId").GetString().ShouldBe(first.Id);
        }

        var afterReset = await host.Orders.CreateAsync(cancellationToken: Token);
        await client.WaitForNewOrdersAsync([afterReset.Id], Token);
        client.Events.Select(received => received.Type).ShouldBe(["reset", "new-order"], "no replay after a reset: " + client.Describe());

        // Resuming from the origin after the first events were trimmed is a gap too.
        await using (var returning = await EventSourceRecorder.ConnectAsync(host, Token, lastEventId: originId))
        {
            await returning.WaitForEventsAsync(events => events.Count >= 1, "the first event", Token);
            returning.Events[0].Type.ShouldBe("reset", "events after 0-0 were trimmed: " + returning.Describe());
        }

        // A retained id still resumes with a replay, no reset.
        var entries = await redis.EntriesAsync();
        var retained = entries[^3].Id.ToString();
        await using var resumed = await EventSourceRecorder.ConnectAsync(host, Token, lastEventId: retained);
        await resumed.WaitForEventsAsync(events => events.Count >= 2, "the two events after the retained id", Token);
        resumed.Events.Select(received => received.Id).ShouldBe([entries[^2].Id.ToString(), entries[^1].Id.ToString()]);
    }

    [Fact]
    public async Task Resuming_from_an_id_this_stream_never_had_starts_with_a_reset()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(Token);
        await using var host = await ServiceHost.StartAsync(ScaleOutSettings.For(redis, database), cancellationToken: Token);
        var otherStream = redis.CreateEventLog(prefix: redis.AddPrefix());

        // An entry of the other stream between two of this one's, whose id is not also an id here.
        var log = host.Services.GetRequiredService<IEventLog>();
        LoggedEvent foreign;
        do
        {
            await host.Orders.CreateAsync(cancellationToken: Token);
            var (before, _) = await log.GetHeadAsync(Token);
            foreign = await RedisStreamEventLogTests.AppendPastAsync(otherStream, before);
            while ((await log.GetHeadAsync(Token)).Position <= foreign.Position)
            {
                await host.Orders.CreateAsync(cancellationToken: Token);
            }
        }
        while (await redis.HasEntryAsync(foreign.Id));

        var (_, head) = await log.GetHeadAsync(Token);

        // Another stream's id inside this stream's range, an in-memory log's id, and noise; the last via the query.
        foreach (var (unknown, viaQuery) in new[] { (foreign.Id, false), ("a1b2c3d4e5f6-2", false), ("garbage", true) })
        {
            await using var client = viaQuery
                ? await EventSourceRecorder.ConnectAsync(host, Token, path: $"/api/events?lastEventId={Uri.EscapeDataString(unknown)}")
                : await EventSourceRecorder.ConnectAsync(host, Token, lastEventId: unknown);
            await client.WaitForEventsAsync(events => events.Count >= 1, "the reset", Token);
            var reset = client.Events[0];
            reset.Type.ShouldBe("reset", $"resuming from {unknown}");
            reset.Id.ShouldBe(head);
            using var data = JsonDocument.Parse(reset.Data);
            data.RootElement.GetProperty("lastEventId").GetString().ShouldBe(unknown);
        }
    }
}
