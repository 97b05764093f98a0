using System.Text;
using CleanSse.Client.Tests.TestKit;

namespace CleanSse.Client.Tests;

/// <summary>
/// How the client interprets the bytes of a stream, after the <c>format-*</c> and <c>event-data</c> cases of the
/// web-platform-tests for EventSource. Every body is served by a real server, in one write and one byte at a time.
/// </summary>
public sealed class FormatConformanceTests
{
    private static SseEvent Message(string data, string lastEventId = "") => new(SseEvent.DefaultType, data, lastEventId);

    private static async Task<List<SseEvent>> ReadAsync(string body, Delivery delivery) =>
        await ReadAsync(Encoding.UTF8.GetBytes(body), delivery);

    /// <summary>The reader alone, without a server: the body's reads as they come, or each cut into single bytes.</summary>
    private static async Task<List<SseEvent>> ParseAsync(Stream body, Delivery delivery, string? lastEventId = null) =>
        await ReadAllAsync(Reader(body, delivery, lastEventId));

    private static SseEventReader Reader(Stream body, Delivery delivery, string? lastEventId = null) =>
        new(delivery == Delivery.OneByteChunks ? new OneByteReadStream(body) : body, lastEventId);

    private static async Task<List<SseEvent>> ReadAllAsync(SseEventReader reader)
    {
        var events = new List<SseEvent>();
        await foreach (var sseEvent in reader.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            events.Add(sseEvent);
        }

        return events;
    }

    private static async Task<List<SseEvent>> ReadAsync(byte[] body, Delivery delivery)
    {
        await using var server = await ScriptedServer.StartAsync((context, _) => ScriptedServer.WriteStreamAsync(context, body, delivery));
        using var client = Streams.OneShot(server);
        return await Streams.CollectAsync(client);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task Field_names_end_at_the_first_colon_and_one_leading_space_of_the_value_is_dropped(Delivery delivery)
    {
        const string body =
            "data:0\n" +
            "data: 1\n" +
            "data:  2\n" +
            "data:3: 4 :\n" +
            "Data: case matters\n" +
            "data : space before the colon\n" +
            " data: space before the name\n" +
            "dat: short\n" +
            "data\n" +
            "data: 5\n" +
            "\n";

        var events = await ReadAsync(body, delivery);

        events.ShouldBe([Message("0\n1\n 2\n3: 4 :\n\n5")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task A_byte_order_mark_at_the_start_is_skipped(Delivery delivery)
    {
        var events = await ReadAsync("\uFEFFdata: 1\n\ndata: 2\n\n", delivery);

        events.ShouldBe([Message("1"), Message("2")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task Only_one_byte_order_mark_is_skipped_and_only_at_the_start(Delivery delivery)
    {
        // A second mark belongs to the field name, which is then unknown.
        var events = await ReadAsync("\uFEFF\uFEFFdata: 1\n\ndata: 2\n\n\uFEFFdata: 3\n\ndata: 4\n\n", delivery);

        events.ShouldBe([Message("2"), Message("4")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task Comments_are_ignored_wherever_they_are(Delivery delivery)
    {
        var longComment = ":" + new string('x', 100_000) + "\n";
        var body =
            ":first\n\n" +
            ": heartbeat\n\n" +
            "data: a\n" +
            ":between data lines\n" +
            "data: b\n" +
            ":\n" +
            "\n" +
            longComment +
            "data: c\n\n";

        var events = await ReadAsync(body, delivery);

        events.ShouldBe([Message("a\nb"), Message("c")]);
    }

    [Theory]
    [InlineData("\n", Delivery.Whole)]
    [InlineData("\n", Delivery.OneByteChunks)]
    [InlineData("\r", Delivery.Whole)]
    [InlineData("\r", Delivery.OneByteChunks)]
    [InlineData("\r\n", Delivery.Whole)]
    [InlineData("\r\n", Delivery.OneByteChunks)]
    public async Task Lines_end_with_LF_CR_or_CRLF(string newline, Delivery delivery)
    {
        var body = $"data: a{newline}data: b{newline}{newline}event: named{newline}id: 7{newline}data: c{newline}{newline}";

        var events = await ReadAsync(body, delivery);

        events.ShouldBe([Message("a\nb"), new SseEvent("named", "c", "7")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task Line_endings_may_be_mixed_and_CR_CR_is_two_line_ends(Delivery delivery)
    {
        var events = await ReadAsync("data: a\rdata: b\ndata: c\r\n\r\ndata: d\n\r\ndata: e\r\rdata: f\r\n\n", delivery);

        events.ShouldBe([Message("a\nb\nc"), Message("d"), Message("e"), Message("f")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task Data_lines_are_joined_with_LF_and_one_final_LF_is_removed(Delivery delivery)
    {
        var body =
            "data: a\ndata:\ndata: b\n\n" +
            "data:\n\n" +
            "data\ndata\n\n" +
            "data: c\ndata\n\n";

        var events = await ReadAsync(body, delivery);

        events.ShouldBe([Message("a\n\nb"), Message(string.Empty), Message("\n"), Message("c\n")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task Event_data_keeps_colons_spaces_and_NUL(Delivery delivery)
    {
        var events = await ReadAsync("data: : a : b :\n\ndata:a\0b\n\ndata:   \n\n", delivery);

        events.ShouldBe([Message(": a : b :"), Message("a\0b"), Message("  ")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task Blocks_without_data_dispatch_nothing(Delivery delivery)
    {
        var events = await ReadAsync("\n\n\nid: 1\n\nevent: ignored\nretry: 10\n\n:comment\n\ndata: x\n\n", delivery);

        events.Count.ShouldBe(1);
        events[0].Data.ShouldBe("x");
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task The_event_type_is_the_event_field_and_is_reset_after_each_dispatch(Delivery delivery)
    {
        var body =
            "event: custom\ndata: 1\n\n" +
            "data: 2\n\n" +
            "event:\ndata: 3\n\n" +
            "event\ndata: 4\n\n" +
            "event: message\ndata: 5\n\n" +
            "event:  spaced\ndata: 6\n\n" +
            "event: first\nevent: second\ndata: 7\n\n";

        var events = await ReadAsync(body, delivery);

        events.Select(e => e.Type).ShouldBe(["custom", "message", "message", "message", "message", " spaced", "second"]);
        events.Select(e => e.Data).ShouldBe(["1", "2", "3", "4", "5", "6", "7"]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task The_event_type_is_reset_by_a_block_without_data(Delivery delivery)
    {
        var events = await ReadAsync("event: lost\n\ndata: 1\n\nevent: lost too\nid: 2\n\ndata: 3\n\n", delivery);

        events.ShouldBe([Message("1"), Message("3", "2")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task An_empty_id_in_a_block_without_data_clears_the_last_event_id(Delivery delivery)
    {
        var events = await ReadAsync("id: 1\ndata: a\n\nid\n\ndata: b\n\nid: 2\n\nid:\n\ndata: c\n\n", delivery);

        events.ShouldBe([Message("a", "1"), Message("b"), Message("c")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task An_id_in_an_unfinished_last_block_does_not_change_the_last_event_id(Delivery delivery)
    {
        var reader = Reader(new MemoryStream(Encoding.UTF8.GetBytes("id: 1\ndata: a\n\nid: 2\ndata: b\n")), delivery, "0");

        var events = await ReadAllAsync(reader);

        events.ShouldBe([Message("a", "1")]);
        reader.LastEventId.ShouldBe("1");
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task The_carried_last_event_id_stays_until_the_stream_sets_one(Delivery delivery)
    {
        var reader = Reader(new MemoryStream(Encoding.UTF8.GetBytes("data: a\n\nid: 5\ndata: b\n\ndata: c\n\n")), delivery, "4");

        var events = await ReadAllAsync(reader);

        events.ShouldBe([Message("a", "4"), Message("b", "5"), Message("c", "5")]);
    }

    [Theory]
    [InlineData("retry: 1500\n\n", 1500)]
    [InlineData("retry:1500\n\n", 1500)]
    [InlineData("retry: 0\n\n", 0)]
    [InlineData("retry: 007\n", 7)]
    [InlineData("retry: 1000\nretry: 2000\n\n", 2000)]
    [InlineData("retry: 1000\nretry: 2x\n\n", 1000)]
    [InlineData("retry: 99999999999999999999\n\n", int.MaxValue)]
    [InlineData("retry: 1.5\n\n", null)]
    [InlineData("retry: -1\n\n", null)]
    [InlineData("retry:  1\n\n", null)]
    [InlineData("retry: 1 \n\n", null)]
    [InlineData("retry: +1\n\n", null)]
    [InlineData("retry:\n\n", null)]
    [InlineData("retry\n\n", null)]
    [InlineData("retry: \uFF11\n\n", null)]
    public async Task Retry_takes_ASCII_digits_only_as_milliseconds(string body, int? milliseconds)
    {
        foreach (var delivery in new[] { Delivery.Whole, Delivery.OneByteChunks })
        {
            var reader = Reader(new MemoryStream(Encoding.UTF8.GetBytes(body + "data: x\n\n")), delivery);

            (await ReadAllAsync(reader)).ShouldBe([Message("x")]);
            reader.ReconnectionTime.ShouldBe(milliseconds is { } value ? TimeSpan.FromMilliseconds(value) : null, body);
        }
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task A_CR_at_the_end_of_a_read_and_an_LF_at_the_start_of_the_next_are_one_line_end(Delivery delivery)
    {
        // Reads that end exactly after each CR: the LF that follows in the next read must not make a blank line.
        byte[][] reads = ["data: a\r"u8.ToArray(), "\ndata: b\r"u8.ToArray(), "\n\r"u8.ToArray(), "\n"u8.ToArray(), "data: c\r"u8.ToArray(), "\r"u8.ToArray()];
        var events = await ParseAsync(new ChunkedStream(reads), delivery);

        events.ShouldBe([Message("a\nb"), Message("c")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task A_byte_order_mark_split_over_reads_is_still_skipped(Delivery delivery)
    {
        byte[][] reads = [[0xEF], [0xBB], [0xBF], "data: 1\n\n"u8.ToArray()];

        var events = await ParseAsync(new ChunkedStream(reads), delivery);

        events.ShouldBe([Message("1")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task A_stream_of_only_part_of_a_byte_order_mark_or_nothing_has_no_events(Delivery delivery)
    {
        (await ParseAsync(new MemoryStream([0xEF, 0xBB]), delivery)).ShouldBeEmpty();
        (await ParseAsync(new MemoryStream([]), delivery)).ShouldBeEmpty();
        (await ParseAsync(new MemoryStream([0xEF, 0xBB, (byte)'\n', .. "data: 1\n\n"u8]), delivery)).ShouldBe([Message("1")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task A_field_without_a_colon_has_an_empty_value(Delivery delivery)
    {
        var events = await ReadAsync("event\ndata\n\nid: 1\nevent: x\nevent\ndata: 2\nid\n\n", delivery);

        events.ShouldBe([Message(string.Empty), Message("2")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task Lines_far_longer_than_a_read_are_parsed_whole(Delivery delivery)
    {
        var id = new string('i', 9000);
        var type = new string('t', 9000);
        var data = new string('d', 20_000);

        var events = await ReadAsync($"id: {id}\nevent: {type}\ndata: {data}\n:{new string('c', 9000)}\n\n", delivery);

        events.ShouldBe([new SseEvent(type, data, id)]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task The_last_event_id_persists_until_an_id_field_changes_it(Delivery delivery)
    {
        var body =
            "data: a\n\n" +
            "id: 1\ndata: b\n\n" +
            "data: c\n\n" +
            "data: d\nid: 2\n\n" +
            "id: 3\n\n" +
            "data: e\n\n" +
            "id: 4 \ndata: f\n\n" +
            "id:  5\ndata: g\n\n" +
            "id\ndata: h\n\n" +
            "data: i\n\n";

        var events = await ReadAsync(body, delivery);

        events.Select(e => e.Data).ShouldBe(["a", "b", "c", "d", "e", "f", "g", "h", "i"]);
        events.Select(e => e.LastEventId).ShouldBe(["", "1", "1", "2", "3", "4 ", " 5", "", ""]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task An_id_containing_NUL_is_ignored(Delivery delivery)
    {
        var events = await ReadAsync("id: 1\ndata: a\n\nid: 2\0\ndata: b\n\nid: \0\ndata: c\n\n", delivery);

        events.Select(e => e.LastEventId).ShouldBe(["1", "1", "1"]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task Unknown_fields_are_ignored(Delivery delivery)
    {
        var body = "foo: bar\nDATA: x\nEvent: y\nID: 9\nRetry: 1\nretry2: 1\nids: 9\ndata: kept\nx\n:\n\n";

        var events = await ReadAsync(body, delivery);

        events.ShouldBe([Message("kept")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task An_event_without_its_final_blank_line_is_not_dispatched(Delivery delivery)
    {
        (await ReadAsync("data: 1\n\ndata: 2", delivery)).ShouldBe([Message("1")]);
        (await ReadAsync("data: 1\n\ndata: 2\n", delivery)).ShouldBe([Message("1")]);
        (await ReadAsync("data: 1\n\ndata: 2\r", delivery)).ShouldBe([Message("1")]);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task Text_is_UTF8_and_bytes_that_are_not_become_replacement_characters(Delivery delivery)
    {
        byte[] body = [.. "event: caf\u00e9\nid: \u20ac\ndata: \u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9 \u2713 \U0001F600\n\ndata: "u8, 0xFF, 0xC3, .. "\n\n"u8];

        var events = await ReadAsync(body, delivery);

        events.ShouldBe([
            new SseEvent("caf\u00e9", "\u00fc\u00f1\u00ee\u00e7\u00f8d\u00e9 \u2713 \U0001F600", "\u20ac"),
            Message("\uFFFD\uFFFD", "\u20ac"),
        ]);
    }

    [Fact]
    public async Task Each_event_is_handed_out_as_soon_as_its_blank_line_is_read()
    {
        await using var body = new ChunkedStream(["data: 1\n\nda"u8.ToArray(), "ta: 2\n"u8.ToArray(), "\n"u8.ToArray()]);
        var reader = new SseEventReader(body);

        (await reader.ReadAsync(TestContext.Current.CancellationToken)).ShouldBe(Message("1"));
        body.ReadsServed.ShouldBe(1);
        (await reader.ReadAsync(TestContext.Current.CancellationToken)).ShouldBe(Message("2"));
        body.ReadsServed.ShouldBe(3);
        (await reader.ReadAsync(TestContext.Current.CancellationToken)).ShouldBeNull();
    }

    [Fact]
    public async Task An_event_of_several_megabytes_arrives_whole()
    {
        var data = new string('x', 3 * 1024 * 1024);

        var events = await ReadAsync($"data: {data}\ndata: end\n\n", Delivery.Whole);

        events.ShouldHaveSingleItem().Data.ShouldBe(data + "\nend");
    }
}
