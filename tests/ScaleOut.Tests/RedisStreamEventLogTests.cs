using System.Diagnostics;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Realtime.Redis;
using CleanSse.ScaleOut.Tests.TestKit;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests;

/// <summary>The Redis event log on its own, against a real Redis: no host, no HTTP.</summary>
public sealed class RedisStreamEventLogTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Appends_get_increasing_ids_and_are_read_back_in_order()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var log = redis.CreateEventLog();

        var (emptyHead, emptyHeadId) = await log.GetHeadAsync(Token);
        emptyHead.ShouldBe(EventPosition.Origin);
        emptyHeadId.ShouldBe("0-0");

        var appended = new List<LoggedEvent>();
        for (var i = 0; i < 5; i++)
        {
            appended.Add(await log.AppendAsync("new-order", $$"""{"n":{{i}}}""", Token));
        }

        appended.Select(logged => logged.Position).ShouldBeInOrder(SortDirection.Ascending);
        appended.Select(logged => logged.Id).Distinct().Count().ShouldBe(5);

        var all = await log.ReadAfterAsync(EventPosition.Origin, 100, Token);
        all.Select(logged => logged.Id).ShouldBe(appended.Select(logged => logged.Id));
        all.Select(logged => logged.Data).ShouldBe(appended.Select(logged => logged.Data));
        all.ShouldAllBe(logged => logged.Type == "new-order");

        var afterSecond = await log.ReadAfterAsync(appended[1].Position, 2, Token);
        afterSecond.Select(logged => logged.Id).ShouldBe([appended[2].Id, appended[3].Id]);

        (await log.ReadAfterAsync(appended[^1].Position, 100, Token)).ShouldBeEmpty();

        var (head, headId) = await log.GetHeadAsync(Token);
        head.ShouldBe(appended[^1].Position);
        headId.ShouldBe(appended[^1].Id);
    }

    [Fact]
    public async Task An_entry_keeps_the_traceparent_of_its_append_for_every_reader()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var log = redis.CreateEventLog();
        LoggedEvent traced;
        string? appendSpan;
        using (var append = new Activity("append").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            appendSpan = append.Id;
            traced = await log.AppendAsync("new-order", "{}", Token);
        }

        traced.TraceParent.ShouldNotBeNull();
        traced.TraceParent.ShouldBe(appendSpan);

        // Another instance's log reads the entry from Redis with the same traceparent.
        var read = await redis.CreateEventLog().ReadAfterAsync(EventPosition.Origin, 10, Token);
        read.Single().TraceParent.ShouldBe(appendSpan);
    }

    [Fact]
    public async Task Each_entry_of_a_batch_and_of_a_restore_keeps_its_own_traceparent()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var log = redis.CreateEventLog();
        const string First = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        const string Second = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        EventAppend[] batch = [new("new-order", "{}", "a", null, First), new("order-updated", "{}", "b", null, Second), new("order-updated", "{}", "c", null)];

        var logged = await log.AppendBatchAsync(batch, Token);
        logged.Select(entry => entry.TraceParent).ShouldBe([First, Second, null]);
        (await redis.CreateEventLog().ReadAfterAsync(EventPosition.Origin, 10, Token)).Select(entry => entry.TraceParent).ShouldBe([First, Second, null]);

        // A log that lost its data (here: an empty one) is restored under the first ids, with the traceparents.
        var prefix = redis.AddPrefix();
        await redis.CreateEventLog(prefix: prefix).RestoreAsync([.. batch.Select((append, i) => new EventToRestore(append, logged[i].Id))], Token);
        var first = logged[0].Position;
        var beforeFirst = first.Minor > 0 ? first with { Minor = first.Minor - 1 } : new EventPosition(first.Major - 1, long.MaxValue);
        var restored = await redis.CreateEventLog(prefix: prefix).ReadAfterAsync(beforeFirst, 10, Token);
        restored.Select(entry => entry.Id).ShouldBe(logged.Select(entry => entry.Id));
        restored.Select(entry => entry.TraceParent).ShouldBe([First, Second, null]);
    }

    [Fact]
    public async Task Resolve_replays_after_an_entry_of_this_stream_and_reports_a_gap_for_any_other_id()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var log = redis.CreateEventLog();
        var other = redis.CreateEventLog(prefix: redis.AddPrefix());

        // Each stream numbers its own entries, so the two can hand out the same id: the foreign one must not be ours.
        LoggedEvent first, foreign, last;
        do
        {
            first = await log.AppendAsync("new-order", "{}", Token);
            foreign = await AppendPastAsync(other, first.Position);
            last = await AppendPastAsync(log, foreign.Position);
        }
        while (await redis.HasEntryAsync(foreign.Id));

        (await log.ResolveAsync(first.Id, Token)).ShouldBe(ResumePoint.ReplayAfter(first.Position));
        (await log.ResolveAsync(last.Id, Token)).ShouldBe(ResumePoint.ReplayAfter(last.Position));

        // An id of another stream, within this one's range but not one of its entries.
        (await log.ResolveAsync(foreign.Id, Token)).ShouldBe(ResumePoint.Gap);

        // Newer than anything here (a wiped store, or another stream ahead of this one).
        (await log.ResolveAsync($"{last.Position.Major + 60_000}-0", Token)).ShouldBe(ResumePoint.Gap);

        // Not a stream id at all: an in-memory log's id, or noise.
        (await log.ResolveAsync("a1b2c3d4e5f6-3", Token)).ShouldBe(ResumePoint.Gap);
        (await log.ResolveAsync("not an id", Token)).ShouldBe(ResumePoint.Gap);
        (await log.ResolveAsync(string.Empty, Token)).ShouldBe(ResumePoint.Gap);
    }

    [Fact]
    public async Task An_empty_stream_resolves_its_origin_and_nothing_else()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var log = redis.CreateEventLog();

        (await log.ResolveAsync("0-0", Token)).ShouldBe(ResumePoint.ReplayAfter(EventPosition.Origin));
        (await log.ResolveAsync("1700000000000-0", Token)).ShouldBe(ResumePoint.Gap);
        (await log.ReadAfterAsync(EventPosition.Origin, 10, Token)).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_subscriber_gets_every_later_append_in_order_and_none_from_before()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var log = redis.CreateEventLog();
        var writer = redis.CreateEventLog();
        var before = await writer.AppendAsync("new-order", "before", Token);

        // The feed starts from the head read when it is asked for. With the connection open, that read goes out at
        // once, and a later command on the same connection is answered after it: once that answer is in, so is the head.
        await log.GetHeadAsync(Token);
        await using var feed = FeedReader.Start(log);
        var (head, _) = await log.GetHeadAsync(Token);
        head.ShouldBe(before.Position);

        var appended = new List<LoggedEvent>();
        var appending = Task.Run(
            async () =>
            {
                for (var i = 0; i < 20; i++)
                {
                    appended.Add(await writer.AppendAsync(i % 2 == 0 ? "new-order" : "order-updated", $"live {i}", Token));
                }
            },
            Token);

        await appending;
        await Eventually.HoldsAsync(() => feed.Received.Count >= 20, "20 events on the feed", cancellationToken: Token);
        var received = feed.Received;
        received.Select(logged => logged.Id).ShouldBe(appended.Select(logged => logged.Id));
        received.Select(logged => logged.Type).ShouldBe(appended.Select(logged => logged.Type));
        received.Select(logged => logged.Data).ShouldBe(appended.Select(logged => logged.Data));
        received.ShouldNotContain(logged => logged.Id == before.Id);
    }

    [Fact]
    public async Task A_feed_asked_for_while_Redis_is_down_gets_the_events_appended_before_it_first_reaches_Redis()
    {
        await using var server = await PrivateRedisServer.StartAsync(Token);
        await using var redis = await RedisTestKeys.CreateAsync(server.ConnectionString);
        await server.ShutdownAsync(Token);

        // Short timeouts, so the feed's first read fails fast.
        var readerLog = new WarningCounter<RedisStreamEventLog>();
        var log = redis.CreateEventLog(connectionOptions: ",connectTimeout=300,asyncTimeout=300", logger: readerLog);
        await using var feed = FeedReader.Start(log);
        await Eventually.HoldsAsync(() => readerLog.Warnings >= 1, "the feed's first read to fail", cancellationToken: Token);

        // Redis is back, and another instance appends (a stream of this process may have caught up just before).
        Progress.Note("the feed could not read the head; starting Redis again");
        await server.StartAgainAsync(Token);
        var writer = redis.CreateEventLog();
        var appended = await writer.AppendAsync("new-order", "appended as Redis came back", Token);
        var later = await writer.AppendAsync("new-order", "appended later", Token);
        Progress.Note("two events appended");

        await Eventually.HoldsAsync(() => feed.Received.Any(logged => logged.Id == later.Id), "the later event", cancellationToken: Token);
        feed.Received.Select(logged => logged.Id).ShouldBe(
            [appended.Id, later.Id],
            "the feed must not start after events that streams of this process may not have been given");
    }

    [Fact]
    public async Task An_event_keeps_its_owner_on_replay_and_on_every_instance_live_feed()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var writer = redis.CreateEventLog();
        var otherInstance = redis.CreateEventLog();
        await using var feed = FeedReader.Start(otherInstance);

        // The feed reads its starting point from Redis as it subscribes; appends must come after that read.
        await Task.Delay(200, Token);

        var owned = await writer.AppendAsync("new-order", """{"v":1}""", Guid.CreateVersion7().ToString("N"), "customer-7", Token);
        var staffOnly = await writer.AppendAsync("order-updated", """{"v":2}""", Guid.CreateVersion7().ToString("N"), ownerId: null, Token);

        owned.OwnerId.ShouldBe("customer-7");
        staffOnly.OwnerId.ShouldBeNull();
        (await otherInstance.ReadAfterAsync(EventPosition.Origin, 10, Token)).Select(logged => logged.OwnerId).ShouldBe(["customer-7", null]);
        await Eventually.HoldsAsync(() => feed.Received.Count >= 2, "the live feed to carry both events", cancellationToken: Token);
        feed.Received.Select(logged => (logged.Id, logged.OwnerId)).ShouldBe([(owned.Id, "customer-7"), (staffOnly.Id, (string?)null)]);
    }

    [Fact]
    public async Task A_repeated_event_id_is_not_appended_again_and_returns_the_first_id()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var log = redis.CreateEventLog();
        var otherInstance = redis.CreateEventLog();
        var eventId = Guid.CreateVersion7().ToString("N");
        var otherEventId = Guid.CreateVersion7().ToString("N");

        var first = await log.AppendAsync("new-order", """{"v":1}""", eventId, Token);
        var again = await log.AppendAsync("new-order", """{"v":1}""", eventId, Token);
        var fromElsewhere = await otherInstance.AppendAsync("new-order", """{"v":1}""", eventId, Token);
        var different = await log.AppendAsync("order-updated", """{"v":2}""", otherEventId, Token);

        again.Id.ShouldBe(first.Id);
        again.Position.ShouldBe(first.Position);
        fromElsewhere.Id.ShouldBe(first.Id);
        different.Id.ShouldNotBe(first.Id);
        different.Position.ShouldBeGreaterThan(first.Position);

        var entries = await redis.EntriesAsync();
        entries.Length.ShouldBe(2);
        (await redis.CountEntriesWithKeyAsync(eventId)).ShouldBe(1);
        (await log.ReadAfterAsync(EventPosition.Origin, 10, Token)).Select(logged => logged.Id).ShouldBe([first.Id, different.Id]);
    }

    [Fact]
    public async Task Two_events_with_the_same_data_but_their_own_ids_are_both_appended()
    {
        // An order that reached the same status twice would once have shared a key; events are told apart by id alone.
        await using var redis = await RedisTestKeys.CreateAsync();
        var log = redis.CreateEventLog();
        const string sameOrderSameStatus = """{"id":"42","status":"paid"}""";

        var one = await log.AppendAsync("order-updated", sameOrderSameStatus, Guid.CreateVersion7().ToString("N"), Token);
        var two = await log.AppendAsync("order-updated", sameOrderSameStatus, Guid.CreateVersion7().ToString("N"), Token);

        two.Id.ShouldNotBe(one.Id);
        (await redis.EntriesAsync()).Length.ShouldBe(2);
    }

    [Fact]
    public async Task Events_without_a_key_are_never_taken_for_duplicates()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var log = redis.CreateEventLog();

        var one = await log.AppendAsync("new-order", "same", Token);
        var two = await log.AppendAsync("new-order", "same", Token);

        two.Id.ShouldNotBe(one.Id);
        (await redis.EntriesAsync()).Length.ShouldBe(2);
    }

    [Fact]
    public async Task Reading_or_resolving_from_before_the_trim_is_a_gap()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var log = redis.CreateEventLog(new EventLogOptions { MaxEvents = 5 });

        var first = await log.AppendAsync("new-order", "first", Token);
        var appends = await AppendUntilTrimmedAsync(redis, log, first);

        // XADD MAXLEN ~ trims whole nodes only, so these are facts Redis reports rather than exact counts.
        var info = await redis.InfoAsync();
        info.Length.ShouldBeLessThan(appends);
        (await redis.HasEntryAsync(first.Id)).ShouldBeFalse();

        (await log.ResolveAsync(first.Id, Token)).ShouldBe(ResumePoint.Gap);
        await Should.ThrowAsync<HistoryGapException>(async () => await log.ReadAfterAsync(first.Position, 10, Token));
        await Should.ThrowAsync<HistoryGapException>(async () => await log.ReadAfterAsync(EventPosition.Origin, 10, Token));

        // Retained entries still resume normally, the oldest one included.
        var retained = (await redis.EntriesAsync()).Select(entry => entry.Id.ToString()).ToList();
        retained[0].ShouldBe(info.FirstEntry.Id.ToString());
        foreach (var id in new[] { retained[0], retained[^3], retained[^1] })
        {
            var resume = await log.ResolveAsync(id, Token);
            resume.ShouldBe(ResumePoint.ReplayAfter(ParseId(id)));
            var replay = await log.ReadAfterAsync(resume.After, 100_000, Token);
            replay.Select(logged => logged.Id).ShouldBe(retained.SkipWhile(kept => kept != id).Skip(1));
        }
    }

    /// <summary>Appends until the stream no longer holds <paramref name="first"/>; returns how many entries were appended.</summary>
    internal static async Task<int> AppendUntilTrimmedAsync(RedisTestKeys redis, IEventLog log, LoggedEvent first)
    {
        var appends = 1;
        while (true)
        {
            for (var i = 0; i < 50; i++)
            {
                await log.AppendAsync("filler", """{"filler":true}""", Token);
            }

            appends += 50;
            var info = await redis.InfoAsync();
            if (ParseId(info.FirstEntry.Id.ToString()) > first.Position)
            {
                return appends;
            }

            appends.ShouldBeLessThan(5_000, "MAXLEN ~ should have trimmed the first entry long before this");
        }
    }

    /// <summary>Appends until the log hands out a position after <paramref name="position"/> (ids of two streams can tie).</summary>
    internal static async Task<LoggedEvent> AppendPastAsync(IEventLog log, EventPosition position)
    {
        while (true)
        {
            var logged = await log.AppendAsync("new-order", "{}", Token);
            if (logged.Position > position)
            {
                return logged;
            }
        }
    }

    internal static EventPosition ParseId(string id)
    {
        var dash = id.IndexOf('-', StringComparison.Ordinal);
        return new EventPosition(
            long.Parse(id.AsSpan(0, dash), System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(id.AsSpan(dash + 1), System.Globalization.CultureInfo.InvariantCulture));
    }
}
