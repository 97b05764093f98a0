using System.Text;

namespace CleanSse.Infrastructure.Tests.Realtime.Wire;

/// <summary>The test parser itself follows the spec on the points the frame tests rely on.</summary>
public sealed class SpecEventStreamParserTests
{
    [Theory]
    [InlineData("data: a\r\ndata: b\rdata: c\n\n", "a\nb\nc")]
    [InlineData("data:no-space\n\n", "no-space")]
    [InlineData("data:  two spaces\n\n", " two spaces")]
    [InlineData("data\n\n", "")]
    [InlineData("data:\n\n", "")]
    [InlineData("data: a\ndata:\n\n", "a\n")]
    [InlineData(": comment\ndata: x\n\n", "x")]
    [InlineData("unknown: field\ndata: x\n\n", "x")]
    [InlineData("\uFEFFdata: bom\n\n", "bom")]
    [InlineData("data: a:b: c\r\r", "a:b: c")]
    public void Reads_the_data_of_one_event(string stream, string data)
    {
        var parser = SpecEventStreamParser.Parse(Encoding.UTF8.GetBytes(stream));

        parser.Events.ShouldBe([new ParsedEvent("message", data, string.Empty)]);
    }

    [Theory]
    [InlineData("data: never dispatched")]
    [InlineData("data: never dispatched\n")]
    [InlineData("event: only-a-type\n\n")]
    [InlineData("id: 1\n\n")]
    [InlineData("\uFEFF\uFEFFdata: the second mark is part of the field name\n\n")]
    public void Dispatches_nothing_without_data_and_a_blank_line(string stream)
    {
        SpecEventStreamParser.Parse(Encoding.UTF8.GetBytes(stream)).Events.ShouldBeEmpty();
    }

    [Fact]
    public void Ignores_an_id_with_NUL_and_keeps_the_last_id_across_events()
    {
        var parser = SpecEventStreamParser.Parse(Encoding.UTF8.GetBytes("id: 1\ndata: a\n\nid: x\0y\ndata: b\n\ndata: c\n\n"));

        parser.Events.ShouldBe([new ParsedEvent("message", "a", "1"), new ParsedEvent("message", "b", "1"), new ParsedEvent("message", "c", "1")]);
    }

    [Fact]
    public void Resets_the_type_after_a_blank_line()
    {
        var parser = SpecEventStreamParser.Parse(Encoding.UTF8.GetBytes("event: e\n\ndata: x\n\nevent: f\ndata: y\n\n"));

        parser.Events.ShouldBe([new ParsedEvent("message", "x", string.Empty), new ParsedEvent("f", "y", string.Empty)]);
    }

    [Theory]
    [InlineData("retry: 50\n\n", 50L)]
    [InlineData("retry: 5a\n\n", null)]
    [InlineData("retry: -5\n\n", null)]
    [InlineData("retry:\n\n", null)]
    public void Sets_the_reconnection_time_only_from_digits(string stream, long? expected)
    {
        SpecEventStreamParser.Parse(Encoding.UTF8.GetBytes(stream)).ReconnectionTimeMilliseconds.ShouldBe(expected);
    }

    [Fact]
    public void Joins_a_CRLF_split_across_chunks_into_one_line_break()
    {
        var parser = new SpecEventStreamParser();
        parser.Feed("data: a\r"u8);
        parser.Events.ShouldBeEmpty();
        parser.Feed("\ndata: b\r\n\r\n"u8);

        parser.Events.ShouldBe([new ParsedEvent("message", "a\nb", string.Empty)]);
    }

    [Fact]
    public void Decodes_a_character_split_across_chunks()
    {
        var bytes = Encoding.UTF8.GetBytes("data: \U0001F600\n\n");
        var parser = new SpecEventStreamParser();
        foreach (var b in bytes)
        {
            parser.Feed([b]);
        }

        parser.Events.ShouldBe([new ParsedEvent("message", "\U0001F600", string.Empty)]);
    }
}
