using System.Buffers;
using System.Net.ServerSentEvents;
using CleanSse.Infrastructure.Realtime.Wire;
using FsCheck.Xunit;

namespace CleanSse.Infrastructure.Tests.Realtime.Wire;

public sealed class SseFrameTests
{
    [Property(Arbitrary = [typeof(SseArbitraries)], MaxTest = 500)]
    public void An_event_reads_back_as_exactly_that_event_and_nothing_more(EventCase sent, ChunkPlan chunks)
    {
        var frame = SseFrame.Event(sent.Type, sent.Id, sent.Data);
        var expected = new ParsedEvent(
            sent.Type is null ? "message" : TextForms.AsClientReadsIt(sent.Type),
            TextForms.AsClientReadsIt(sent.Data),
            sent.Id is null ? string.Empty : TextForms.AsClientReadsIt(sent.Id));

        var whole = SpecEventStreamParser.Parse(frame);
        whole.Events.ShouldBe([expected]);
        whole.LastEventId.ShouldBe(expected.LastEventId);
        whole.ReconnectionTimeMilliseconds.ShouldBeNull();

        FeedInChunks(frame, chunks).Events.ShouldBe([expected]);
        ReadWithRuntimeParser(frame, out var runtimeLastEventId).ShouldBe([AsRuntimeReadsIt(sent)]);
        runtimeLastEventId.ShouldBe(expected.LastEventId);
    }

    [Property(Arbitrary = [typeof(SseArbitraries)], MaxTest = 200)]
    public void WriteEvent_writes_the_same_bytes_as_Event(EventCase sent)
    {
        var writer = new ArrayBufferWriter<byte>(1);
        SseFrame.WriteEvent(writer, sent.Type, sent.Id, sent.Data);

        writer.WrittenSpan.ToArray().ShouldBe(SseFrame.Event(sent.Type, sent.Id, sent.Data));
    }

    [Property(Arbitrary = [typeof(SseArbitraries)], MaxTest = 200)]
    public void Many_frames_read_back_in_order(EventCase[] events, AnyText[] comments, ChunkPlan chunks)
    {
        var stream = new List<byte>();
        var expected = new List<ParsedEvent>();
        var lastEventId = string.Empty;
        for (var i = 0; i < events.Length; i++)
        {
            var sent = events[i];
            stream.AddRange(SseFrame.Event(sent.Type, sent.Id, sent.Data));
            if (sent.Id is not null)
            {
                lastEventId = TextForms.AsClientReadsIt(sent.Id);
            }

            expected.Add(new ParsedEvent(
                sent.Type is null ? "message" : TextForms.AsClientReadsIt(sent.Type),
                TextForms.AsClientReadsIt(sent.Data),
                lastEventId));

            // Comments and a retry hint between events must change nothing about them.
            if (i < comments.Length)
            {
                stream.AddRange(SseFrame.Comment(comments[i].Value));
            }

            if (i == events.Length / 2)
            {
                stream.AddRange(SseFrame.Retry(TimeSpan.FromMilliseconds(1234)));
            }
        }

        var bytes = stream.ToArray();
        var whole = SpecEventStreamParser.Parse(bytes);
        whole.Events.ShouldBe(expected);
        whole.LastEventId.ShouldBe(lastEventId);
        FeedInChunks(bytes, chunks).Events.ShouldBe(expected);
        ReadWithRuntimeParser(bytes, out var runtimeLastEventId).ShouldBe(events.Select(AsRuntimeReadsIt));
        runtimeLastEventId.ShouldBe(lastEventId);
    }

    [Property(Arbitrary = [typeof(SseArbitraries)])]
    public void An_event_type_that_could_end_its_line_is_refused(UnsafeFieldText type)
    {
        var writer = new ArrayBufferWriter<byte>();

        Should.Throw<ArgumentException>(() => SseFrame.Event(type.Value, "1", "data")).ParamName.ShouldBe("eventType");
        Should.Throw<ArgumentException>(() => SseFrame.WriteEvent(writer, type.Value, "1", "data"));
        writer.WrittenCount.ShouldBe(0);
    }

    [Property(Arbitrary = [typeof(SseArbitraries)])]
    public void An_id_that_could_end_its_line_or_holds_NUL_is_refused(UnsafeFieldText id)
    {
        var writer = new ArrayBufferWriter<byte>();

        Should.Throw<ArgumentException>(() => SseFrame.Event("type", id.Value, "data")).ParamName.ShouldBe("id");
        Should.Throw<ArgumentException>(() => SseFrame.WriteEvent(writer, "type", id.Value, "data"));
        writer.WrittenCount.ShouldBe(0);
    }

    [Property(Arbitrary = [typeof(SseArbitraries)], MaxTest = 300)]
    public void A_comment_dispatches_nothing_and_every_line_of_it_stays_a_comment(AnyText text, ChunkPlan chunks)
    {
        var frame = SseFrame.Comment(text.Value);

        foreach (var parser in new[] { SpecEventStreamParser.Parse(frame), FeedInChunks(frame, chunks) })
        {
            parser.Events.ShouldBeEmpty();
            parser.LastEventId.ShouldBeEmpty();
            parser.ReconnectionTimeMilliseconds.ShouldBeNull();
            parser.CommentCount.ShouldBe(TextForms.AsClientReadsIt(text.Value).Split('\n').Length);
        }

        ReadWithRuntimeParser(frame, out _).ShouldBeEmpty();
    }

    [Property(MaxTest = 300)]
    public void A_retry_frame_sets_the_reconnection_time_and_dispatches_nothing(FsCheck.NonNegativeInt milliseconds, byte subMillisecondTicks)
    {
        var delay = TimeSpan.FromMilliseconds(milliseconds.Get) + TimeSpan.FromTicks(subMillisecondTicks * TimeSpan.TicksPerMillisecond / 256);
        var frame = SseFrame.Retry(delay);

        var parser = SpecEventStreamParser.Parse(frame);
        parser.Events.ShouldBeEmpty();
        parser.LastEventId.ShouldBeEmpty();
        parser.ReconnectionTimeMilliseconds.ShouldBe(milliseconds.Get);

        ReadWithRuntimeParser(frame, out _, out var runtimeInterval).ShouldBeEmpty();
        runtimeInterval.ShouldBe(TimeSpan.FromMilliseconds(milliseconds.Get));
    }

    [Fact]
    public void A_long_retry_is_written_in_whole_milliseconds()
    {
        var parser = SpecEventStreamParser.Parse(SseFrame.Retry(TimeSpan.FromDays(40)));

        parser.ReconnectionTimeMilliseconds.ShouldBe(40L * 24 * 60 * 60 * 1000);
    }

    [Fact]
    public void A_negative_retry_is_refused()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => SseFrame.Retry(TimeSpan.FromMilliseconds(-1)));
        Should.Throw<ArgumentOutOfRangeException>(() => SseFrame.Retry(TimeSpan.FromTicks(-1)));
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("\n", "\n")]
    [InlineData("\r", "\n")]
    [InlineData("\r\n", "\n")]
    [InlineData("\n\r", "\n\n")]
    [InlineData("trailing\r\n", "trailing\n")]
    [InlineData("a\r\nb\rc\nd", "a\nb\nc\nd")]
    [InlineData("\r\n\r\n", "\n\n")]
    [InlineData("x\n\ndata: injected\n\nid: 99", "x\n\ndata: injected\n\nid: 99")]
    [InlineData(" leading space", " leading space")]
    [InlineData("nul\0inside", "nul\0inside")]
    [InlineData("caf\u00e9 \U0001F600", "caf\u00e9 \U0001F600")]
    public void Data_with_line_breaks_is_one_event_with_the_breaks_as_LF(string data, string expected)
    {
        var parser = SpecEventStreamParser.Parse(SseFrame.Event("t", "id-1", data));

        parser.Events.ShouldBe([new ParsedEvent("t", expected, "id-1")]);
    }

    [Fact]
    public void An_absent_or_empty_type_reads_as_message()
    {
        SpecEventStreamParser.Parse(SseFrame.Event(null, null, "x")).Events.ShouldBe([new ParsedEvent("message", "x", string.Empty)]);
        SpecEventStreamParser.Parse(SseFrame.Event(string.Empty, null, "x")).Events.ShouldBe([new ParsedEvent("message", "x", string.Empty)]);
    }

    [Fact]
    public void An_event_is_written_as_the_documented_field_lines()
    {
        System.Text.Encoding.UTF8.GetString(SseFrame.Event("new-order", "e-1", "{\"a\":1}\nsecond"))
            .ShouldBe("event: new-order\nid: e-1\ndata: {\"a\":1}\ndata: second\n\n");
        System.Text.Encoding.UTF8.GetString(SseFrame.Comment("heartbeat")).ShouldBe(":heartbeat\n\n");
        System.Text.Encoding.UTF8.GetString(SseFrame.Retry(TimeSpan.FromSeconds(1))).ShouldBe("retry: 1000\n\n");
    }

    private static SpecEventStreamParser FeedInChunks(byte[] bytes, ChunkPlan chunks)
    {
        var parser = new SpecEventStreamParser();
        foreach (var chunk in chunks.Split(bytes))
        {
            parser.Feed(chunk.Span);
        }

        return parser;
    }

    /// <summary>The runtime's parser reports on each item the id that item's own block set, or none.</summary>
    private static RuntimeEvent AsRuntimeReadsIt(EventCase sent) => new(
        sent.Type is null ? SseParser.EventTypeDefault : TextForms.AsClientReadsIt(sent.Type),
        TextForms.AsClientReadsIt(sent.Data),
        sent.Id is null ? null : TextForms.AsClientReadsIt(sent.Id));

    private static List<RuntimeEvent> ReadWithRuntimeParser(byte[] bytes, out string lastEventId) =>
        ReadWithRuntimeParser(bytes, out lastEventId, out _);

    private static List<RuntimeEvent> ReadWithRuntimeParser(byte[] bytes, out string lastEventId, out TimeSpan reconnectionInterval)
    {
        using var stream = new MemoryStream(bytes);
        var parser = SseParser.Create(stream);
        var events = parser.Enumerate().Select(item => new RuntimeEvent(item.EventType, item.Data, item.EventId)).ToList();
        lastEventId = parser.LastEventId;
        reconnectionInterval = parser.ReconnectionInterval;
        return events;
    }

    private sealed record RuntimeEvent(string Type, string Data, string? EventId);
}
