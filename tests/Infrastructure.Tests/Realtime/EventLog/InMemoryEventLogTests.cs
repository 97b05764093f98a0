using System.Diagnostics;
using System.Globalization;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CleanSse.Infrastructure.Tests.Realtime.EventLog;

public sealed class InMemoryEventLogTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_empty_log_has_its_head_at_the_origin_and_replays_from_there()
    {
        var log = CreateLog();

        var (position, id) = await log.GetHeadAsync(Token);

        position.ShouldBe(EventPosition.Origin);
        id.ShouldBe($"{log.Epoch}-0");
        (await log.ResolveAsync(id, Token)).ShouldBe(ResumePoint.ReplayAfter(EventPosition.Origin));
        (await log.ReadAfterAsync(EventPosition.Origin, 10, Token)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Appended_events_get_growing_positions_and_ids_of_this_log()
    {
        var log = CreateLog();

        var appended = await AppendAsync(log, 5);

        appended.Select(e => e.Position).ShouldBe(Enumerable.Range(1, 5).Select(n => new EventPosition(n, 0)));
        appended.Select(e => e.Id).ShouldBe(Enumerable.Range(1, 5).Select(n => $"{log.Epoch}-{n}"));
        appended.Zip(appended.Skip(1)).ShouldAllBe(pair => pair.First.Position < pair.Second.Position);
        appended[2].Type.ShouldBe("type-3");
        appended[2].Data.ShouldBe("data-3");
        appended[2].Timestamp.ShouldBe(_clock.GetUtcNow());
        (await log.GetHeadAsync(Token)).ShouldBe((new EventPosition(5, 0), $"{log.Epoch}-5"));
    }

    [Fact]
    public void Each_log_draws_its_own_epoch()
    {
        var epochs = Enumerable.Range(0, 20).Select(_ => CreateLog().Epoch).ToList();

        epochs.ShouldBeUnique();
        epochs.ShouldAllBe(epoch => epoch.Length == 19 && epoch.All(char.IsAsciiHexDigitLower));
    }

    [Fact]
    public async Task An_id_tells_a_time_at_or_before_its_event_even_once_its_log_is_gone()
    {
        var started = _clock.GetUtcNow();
        var earlier = CreateLog();
        var logged = await earlier.AppendAsync("new-order", "{}", Token);
        _clock.Advance(TimeSpan.FromMinutes(10));
        var later = CreateLog();

        later.LoggedNoEarlierThan(logged.Id).ShouldBe(started, "the id of an earlier process still tells when its log started");
        later.LoggedNoEarlierThan("garbage").ShouldBeNull();
        later.LoggedNoEarlierThan("000000000000-3").ShouldBeNull();
    }

    [Fact]
    public async Task ReadAfter_returns_the_events_after_a_position_in_order_and_in_batches()
    {
        var log = CreateLog();
        var appended = await AppendAsync(log, 23);

        var read = new List<LoggedEvent>();
        var after = EventPosition.Origin;
        var batchSizes = new List<int>();
        while (true)
        {
            var batch = await log.ReadAfterAsync(after, 5, Token);
            batchSizes.Add(batch.Count);
            if (batch.Count == 0)
            {
                break;
            }

            read.AddRange(batch);
            after = batch[^1].Position;
        }

        batchSizes.ShouldBe([5, 5, 5, 5, 3, 0]);
        read.ShouldBe(appended);
        (await log.ReadAfterAsync(appended[9].Position, 100, Token)).ShouldBe(appended[10..]);
        (await log.ReadAfterAsync(appended[^1].Position, 100, Token)).ShouldBeEmpty();
        (await log.ReadAfterAsync(new EventPosition(1000, 0), 100, Token)).ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadAfter_refuses_a_batch_size_below_one()
    {
        var log = CreateLog();

        await Should.ThrowAsync<ArgumentOutOfRangeException>(async () => await log.ReadAfterAsync(EventPosition.Origin, 0, Token));
    }

    [Fact]
    public async Task Resolve_replays_after_an_id_of_its_own_that_is_still_retained()
    {
        var log = CreateLog(maxEvents: 10);
        var appended = await AppendAsync(log, 25);

        // Retained: 16..25. The last id before them, 15, still allows a full replay.
        for (var sequence = 15; sequence <= 25; sequence++)
        {
            var resume = await log.ResolveAsync(IdOf(log, sequence), Token);
            resume.ShouldBe(ResumePoint.ReplayAfter(new EventPosition(sequence, 0)), $"sequence {sequence}");
        }

        var replay = await log.ReadAfterAsync((await log.ResolveAsync(appended[14].Id, Token)).After, 100, Token);
        replay.ShouldBe(appended[15..]);
    }

    [Fact]
    public async Task Resolve_reports_a_gap_for_an_id_older_than_the_retained_history()
    {
        var log = CreateLog(maxEvents: 10);
        await AppendAsync(log, 25);

        for (var sequence = 0; sequence <= 14; sequence++)
        {
            (await log.ResolveAsync(IdOf(log, sequence), Token)).ShouldBe(ResumePoint.Gap, $"sequence {sequence}");
        }
    }

    [Fact]
    public async Task Resolve_reports_a_gap_for_an_id_of_another_log()
    {
        var log = CreateLog();
        var other = CreateLog();
        await AppendAsync(log, 5);
        var foreign = await AppendAsync(other, 5);

        foreach (var logged in foreign)
        {
            (await log.ResolveAsync(logged.Id, Token)).ShouldBe(ResumePoint.Gap);
        }
    }

    [Fact]
    public async Task Resolve_reports_a_gap_for_a_sequence_this_log_has_not_reached()
    {
        var log = CreateLog();
        await AppendAsync(log, 5);

        (await log.ResolveAsync(IdOf(log, 6), Token)).ShouldBe(ResumePoint.Gap);
        (await log.ResolveAsync(IdOf(log, long.MaxValue), Token)).ShouldBe(ResumePoint.Gap);
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("{epoch}")]
    [InlineData("{epoch}-")]
    [InlineData("{epoch}-abc")]
    [InlineData("{epoch}--1")]
    [InlineData("{epoch}-+1")]
    [InlineData("{epoch}-1 ")]
    [InlineData(" {epoch}-1")]
    [InlineData("{epoch}-1.0")]
    [InlineData("{epoch}-1-1")]
    [InlineData("{epoch}_1")]
    [InlineData("{epoch}1")]
    [InlineData("{EPOCH}-1")]
    [InlineData("{epoch}-99999999999999999999")]
    [InlineData("1")]
    [InlineData("-1")]
    public async Task Resolve_reports_a_gap_for_anything_that_is_not_an_id_of_this_log(string template)
    {
        var log = CreateLog();
        await AppendAsync(log, 3);
        var lastEventId = template
            .Replace("{epoch}", log.Epoch, StringComparison.Ordinal)
            .Replace("{EPOCH}", log.Epoch.ToUpperInvariant(), StringComparison.Ordinal);

        (await log.ResolveAsync(lastEventId, Token)).ShouldBe(ResumePoint.Gap);
    }

    [Fact]
    public async Task Events_older_than_the_maximum_age_are_dropped()
    {
        var log = CreateLog(maxAge: TimeSpan.FromMinutes(10));
        var early = await AppendAsync(log, 3);
        _clock.Advance(TimeSpan.FromMinutes(6));
        var late = await AppendAsync(log, 3);

        _clock.Advance(TimeSpan.FromMinutes(4));
        (await log.ResolveAsync(early[0].Id, Token)).Outcome.ShouldBe(ResumeOutcome.Replay, "exactly the maximum age is still retained");

        _clock.Advance(TimeSpan.FromTicks(1));
        (await log.ResolveAsync(early[0].Id, Token)).ShouldBe(ResumePoint.Gap);
        (await log.ResolveAsync(early[1].Id, Token)).ShouldBe(ResumePoint.Gap);
        (await log.ResolveAsync(early[2].Id, Token)).ShouldBe(ResumePoint.ReplayAfter(early[2].Position));
        (await log.ReadAfterAsync(early[2].Position, 100, Token)).ShouldBe(late);
        await Should.ThrowAsync<HistoryGapException>(async () => await log.ReadAfterAsync(early[1].Position, 100, Token));

        _clock.Advance(TimeSpan.FromMinutes(10));
        (await log.ResolveAsync(late[1].Id, Token)).ShouldBe(ResumePoint.Gap);
        (await log.ResolveAsync(late[2].Id, Token)).ShouldBe(ResumePoint.ReplayAfter(late[2].Position), "nothing after the head was missed");
        (await log.ReadAfterAsync(late[2].Position, 100, Token)).ShouldBeEmpty();
        (await log.GetHeadAsync(Token)).ShouldBe((late[2].Position, late[2].Id));

        var next = await log.AppendAsync("after", "expiry", Token);
        next.Position.ShouldBe(new EventPosition(7, 0));
        (await log.ReadAfterAsync(late[2].Position, 100, Token)).ShouldBe([next]);
    }

    [Fact]
    public async Task ReadAfter_throws_a_history_gap_once_the_events_after_the_position_are_trimmed()
    {
        var log = CreateLog(maxEvents: 5);
        var appended = await AppendAsync(log, 5);
        (await log.ReadAfterAsync(EventPosition.Origin, 100, Token)).ShouldBe(appended);

        var more = await AppendAsync(log, 2);

        await Should.ThrowAsync<HistoryGapException>(async () => await log.ReadAfterAsync(EventPosition.Origin, 100, Token));
        await Should.ThrowAsync<HistoryGapException>(async () => await log.ReadAfterAsync(appended[0].Position, 100, Token));
        (await log.ReadAfterAsync(appended[1].Position, 100, Token)).ShouldBe([.. appended[2..], .. more]);
    }

    [Theory]
    [InlineData(1, 10)]
    [InlineData(2, 600)]
    [InlineData(255, 1000)]
    [InlineData(256, 1000)]
    [InlineData(257, 1000)]
    [InlineData(300, 1000)]
    [InlineData(511, 1500)]
    [InlineData(512, 1500)]
    [InlineData(513, 1500)]
    [InlineData(1000, 999)]
    [InlineData(1000, 1000)]
    [InlineData(1000, 1001)]
    [InlineData(1000, 2500)]
    [InlineData(10_000, 4097)]
    public async Task A_bounded_ring_retains_exactly_the_newest_events_in_order(int maxEvents, int appends)
    {
        var log = CreateLog(maxEvents);
        var appended = new List<LoggedEvent>();

        for (var i = 1; i <= appends; i++)
        {
            appended.Add(await log.AppendAsync("t", Data(i), Token));

            // Check the whole window around each growth and each wrap, and regularly in between.
            if (i <= 3 || i % 97 == 0 || IsNear(i, 256) || IsNear(i, 512) || IsNear(i, 1024) || IsNear(i, 2048) || IsNear(i, 4096)
                || IsNear(i, maxEvents) || IsNear(i, 2 * maxEvents) || i == appends)
            {
                await AssertRetainedAsync(log, appended, maxEvents);
            }
        }
    }

    [Fact]
    public async Task A_ring_of_300_keeps_exactly_the_last_300_of_1000_appends()
    {
        var log = CreateLog(maxEvents: 300);
        var appended = await AppendAsync(log, 1000);

        var retained = await ReadAllAsync(log, new EventPosition(700, 0), batchSize: 64);

        retained.Select(e => e.Data).ShouldBe(Enumerable.Range(701, 300).Select(n => $"data-{n}"));
        retained.ShouldBe(appended[700..]);
        (await log.ResolveAsync(appended[699].Id, Token)).ShouldBe(ResumePoint.ReplayAfter(appended[699].Position));
        (await log.ResolveAsync(appended[698].Id, Token)).ShouldBe(ResumePoint.Gap);
        await Should.ThrowAsync<HistoryGapException>(async () => await log.ReadAfterAsync(appended[698].Position, 1, Token));
    }

    [Fact]
    public async Task A_ring_grows_past_its_initial_capacity_without_losing_or_moving_an_event()
    {
        var log = CreateLog(maxEvents: 10_000);
        var appended = await AppendAsync(log, 3000);

        (await ReadAllAsync(log, EventPosition.Origin, batchSize: 1000)).ShouldBe(appended);
        for (var sequence = 0; sequence < 3000; sequence += 131)
        {
            (await log.ReadAfterAsync(new EventPosition(sequence, 0), 1, Token)).ShouldBe([appended[sequence]]);
        }
    }

    [Fact]
    public async Task Expiry_then_growth_then_wrapping_keeps_the_ring_consistent()
    {
        var log = CreateLog(maxEvents: 400, maxAge: TimeSpan.FromSeconds(10));
        var appended = new List<LoggedEvent>();

        // Bursts of different sizes, some of which expire completely before the next one.
        foreach (var (burst, pause) in new[] { (100, 11), (300, 5), (200, 5), (50, 20), (700, 1), (1, 0), (399, 3) })
        {
            for (var i = 0; i < burst; i++)
            {
                appended.Add(await log.AppendAsync("t", Data(appended.Count + 1), Token));
            }

            await AssertRetainedAsync(log, appended, 400, TimeSpan.FromSeconds(10));
            _clock.Advance(TimeSpan.FromSeconds(pause));
            await AssertRetainedAsync(log, appended, 400, TimeSpan.FromSeconds(10));
        }
    }

    [Fact]
    public async Task A_subscription_receives_every_event_appended_after_it_in_order()
    {
        var log = CreateLog();
        await AppendAsync(log, 3);
        var feed = StartReading(log.SubscribeAsync(Token), count: 50);

        var appended = await AppendAsync(log, 50);

        (await feed).ShouldBe(appended);
    }

    [Fact]
    public async Task A_subscription_receives_events_appended_between_subscribing_and_reading()
    {
        // The dispatcher subscribes when the host starts and reads later; nothing appended in between may be lost.
        var log = CreateLog();
        var feed = log.SubscribeAsync(Token);

        var appended = await AppendAsync(log, 2);

        (await StartReading(feed, count: 2)).ShouldBe(appended);
    }

    [Fact]
    public async Task Concurrent_appends_get_contiguous_positions_and_reach_subscribers_in_position_order()
    {
        var log = CreateLog(maxEvents: 100_000);
        var feed = StartReading(log.SubscribeAsync(Token), count: 8_000);

        var publishers = Enumerable.Range(0, 4).Select(p => Task.Run(
            async () =>
            {
                for (var i = 0; i < 2_000; i++)
                {
                    await log.AppendAsync("t", string.Create(CultureInfo.InvariantCulture, $"{p}/{i}"), Token);
                }
            },
            Token));
        await Task.WhenAll(publishers).WaitAsync(Deadline, Token);

        var received = await feed;
        received.Select(e => e.Position.Major).ShouldBe(Enumerable.Range(1, 8_000).Select(n => (long)n));
        (await ReadAllAsync(log, EventPosition.Origin, 1000)).ShouldBe(received);
    }

    [Fact]
    public async Task A_cancelled_subscription_stops_receiving()
    {
        var log = CreateLog();
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(Token);
        await using var feed = log.SubscribeAsync(cancellation.Token).GetAsyncEnumerator(cancellation.Token);
        var next = feed.MoveNextAsync();

        await cancellation.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(async () => await next.AsTask().WaitAsync(Deadline, Token));
    }

    [Fact]
    public async Task A_second_append_of_an_event_id_returns_the_first_and_reaches_no_subscriber()
    {
        var log = CreateLog();
        var feed = StartReading(log.SubscribeAsync(Token), 2);
        var eventId = Guid.CreateVersion7().ToString("N");

        var first = await log.AppendAsync("new-order", """{"id":"42"}""", eventId, Token);
        var again = await log.AppendAsync("new-order", """{"id":"42"}""", eventId, Token);
        var other = await log.AppendAsync("order-updated", """{"id":"42"}""", Guid.CreateVersion7().ToString("N"), Token);

        again.ShouldBeSameAs(first);
        first.DeduplicationKey.ShouldBe(eventId);
        (await ReadAllAsync(log, EventPosition.Origin, 10)).ShouldBe([first, other]);
        (await feed).ShouldBe([first, other]);
    }

    [Fact]
    public async Task An_event_keeps_its_owner_on_replay_and_on_the_live_feed()
    {
        var log = CreateLog();
        var feed = StartReading(log.SubscribeAsync(Token), 2);

        var owned = await log.AppendAsync("new-order", """{"id":"42"}""", "k-1", "customer-7", Token);
        var staffOnly = await log.AppendAsync("order-updated", """{"id":"43"}""", "k-2", ownerId: null, Token);

        owned.OwnerId.ShouldBe("customer-7");
        staffOnly.OwnerId.ShouldBeNull();
        (await ReadAllAsync(log, EventPosition.Origin, 10)).Select(e => e.OwnerId).ShouldBe(["customer-7", null]);
        (await feed).Select(e => e.OwnerId).ShouldBe(["customer-7", null]);
    }

    [Fact]
    public async Task Events_with_the_same_data_are_told_apart_by_their_ids_alone()
    {
        // The same order reaching the same status twice would once have shared a key and been dropped.
        var log = CreateLog();
        const string samePayload = """{"id":"42","status":"paid"}""";

        var one = await log.AppendAsync("order-updated", samePayload, Guid.CreateVersion7().ToString("N"), Token);
        var two = await log.AppendAsync("order-updated", samePayload, Guid.CreateVersion7().ToString("N"), Token);

        two.Position.ShouldBeGreaterThan(one.Position);
        (await ReadAllAsync(log, EventPosition.Origin, 10)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_event_id_is_forgotten_with_the_event_it_names()
    {
        var log = CreateLog(maxEvents: 2);
        var eventId = Guid.CreateVersion7().ToString("N");
        var first = await log.AppendAsync("new-order", "{}", eventId, Token);
        await AppendAsync(log, 2);

        var again = await log.AppendAsync("new-order", "{}", eventId, Token);

        again.Position.ShouldBeGreaterThan(first.Position);
    }

    [Fact]
    public void A_logged_event_encodes_its_frame_once_when_first_asked_and_hands_out_the_same_bytes()
    {
        var logged = new LoggedEvent(new EventPosition(7, 0), "e-7", "new-order", """{"id":"42"}""", _clock.GetUtcNow());

        var first = logged.Frame;
        var second = logged.Frame;

        System.Text.Encoding.UTF8.GetString(first.Span).ShouldBe("event: new-order\nid: e-7\ndata: {\"id\":\"42\"}\n\n");
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(first, out var firstArray).ShouldBeTrue();
        System.Runtime.InteropServices.MemoryMarshal.TryGetArray(second, out var secondArray).ShouldBeTrue();
        secondArray.Array.ShouldBeSameAs(firstArray.Array);
    }

    /// <summary>
    /// Starts reading <paramref name="feed"/> at once (so an enumerator-bound subscription is in place before the caller
    /// goes on) and returns what arrived: <paramref name="count"/> events, or fewer if the deadline passed first.
    /// </summary>
    private static Task<List<LoggedEvent>> StartReading(IAsyncEnumerable<LoggedEvent> feed, int count)
    {
        var received = new List<LoggedEvent>();
        var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(Deadline);
        return ReadAsync();

        async Task<List<LoggedEvent>> ReadAsync()
        {
            using (deadline)
            {
                try
                {
                    await foreach (var logged in feed.WithCancellation(deadline.Token))
                    {
                        received.Add(logged);
                        if (received.Count == count)
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (deadline.IsCancellationRequested && !Token.IsCancellationRequested)
                {
                    // Fewer than expected arrived in time; the caller's assertion tells which.
                }
            }

            return received;
        }
    }

    private static bool IsNear(int value, int mark) => Math.Abs(value - mark) <= 2;

    private static string Data(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static string IdOf(InMemoryEventLog log, long sequence) =>
        string.Create(CultureInfo.InvariantCulture, $"{log.Epoch}-{sequence}");

    [Fact]
    public async Task An_event_keeps_the_traceparent_of_the_span_it_was_appended_in()
    {
        var log = CreateLog();
        LoggedEvent traced;
        string? appendSpan;
        using (var append = new Activity("append").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            appendSpan = append.Id;
            traced = await log.AppendAsync("new-order", "{}", Token);
        }

        traced.TraceParent.ShouldNotBeNull();
        traced.TraceParent.ShouldBe(appendSpan);
        (await log.ReadAfterAsync(EventPosition.Origin, 10, Token)).Single().TraceParent.ShouldBe(appendSpan);
    }

    [Fact]
    public async Task Each_event_of_a_batch_keeps_its_own_traceparent()
    {
        var log = CreateLog();
        const string First = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
        const string Second = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

        var logged = await log.AppendBatchAsync(
            [new EventAppend("new-order", "{}", "a", null, First), new EventAppend("order-updated", "{}", "b", null, Second), new EventAppend("order-updated", "{}", "c", null)],
            Token);

        logged.Select(entry => entry.TraceParent).ShouldBe([First, Second, null]);
        (await log.ReadAfterAsync(EventPosition.Origin, 10, Token)).Select(entry => entry.TraceParent).ShouldBe([First, Second, null]);
    }

    private InMemoryEventLog CreateLog(int maxEvents = 10_000, TimeSpan? maxAge = null) =>
        new(Options.Create(new EventLogOptions { MaxEvents = maxEvents, MaxAge = maxAge ?? TimeSpan.FromHours(1) }), _clock);

    private static async Task<List<LoggedEvent>> AppendAsync(InMemoryEventLog log, int count)
    {
        var appended = new List<LoggedEvent>(count);
        for (var i = 0; i < count; i++)
        {
            var n = (await log.GetHeadAsync(Token)).Position.Major + 1;
            appended.Add(await log.AppendAsync($"type-{n}", $"data-{n}", Token));
        }

        return appended;
    }

    private static async Task<List<LoggedEvent>> ReadAllAsync(InMemoryEventLog log, EventPosition after, int batchSize)
    {
        var read = new List<LoggedEvent>();
        while (true)
        {
            var batch = await log.ReadAfterAsync(after, batchSize, Token);
            read.AddRange(batch);
            if (batch.Count < batchSize)
            {
                return read;
            }

            after = batch[^1].Position;
        }
    }

    /// <summary>The log holds exactly the newest events within its bounds, readable from the first and from none before.</summary>
    private async Task AssertRetainedAsync(InMemoryEventLog log, List<LoggedEvent> appended, int maxEvents, TimeSpan? maxAge = null)
    {
        var cutoff = _clock.GetUtcNow() - (maxAge ?? TimeSpan.FromHours(1));
        var expected = appended.TakeLast(maxEvents).Where(e => e.Timestamp >= cutoff).ToList();
        var head = appended.Count == 0 ? EventPosition.Origin : appended[^1].Position;
        var firstRetained = expected.Count > 0 ? expected[0].Position.Major : head.Major + 1;
        var context = $"after {appended.Count} appends";

        (await log.GetHeadAsync(Token)).Position.ShouldBe(head, context);
        (await ReadAllAsync(log, new EventPosition(firstRetained - 1, 0), batchSize: 97)).ShouldBe(expected, context);
        (await log.ResolveAsync(IdOf(log, firstRetained - 1), Token)).Outcome.ShouldBe(ResumeOutcome.Replay, context);
        if (firstRetained > 1)
        {
            (await log.ResolveAsync(IdOf(log, firstRetained - 2), Token)).ShouldBe(ResumePoint.Gap, context);
            await Should.ThrowAsync<HistoryGapException>(
                async () => await log.ReadAfterAsync(new EventPosition(firstRetained - 2, 0), 1, Token), context);
        }

        foreach (var logged in expected.Where((_, index) => index % 37 == 0 || index == expected.Count - 1))
        {
            (await log.ReadAfterAsync(new EventPosition(logged.Position.Major - 1, 0), 1, Token)).ShouldBe([logged], context);
        }
    }
}
