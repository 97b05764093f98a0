using System.Text;

namespace CleanSse.Infrastructure.Tests.Realtime.Wire;

/// <summary>
/// The blocks the test parser keeps beside the events it dispatches: what the stream readers of the functional tests
/// hand a test, comments and <c>retry:</c> included.
/// </summary>
public sealed class SpecEventStreamParserBlockTests
{
    [Fact]
    public void Keeps_each_block_with_its_own_fields_comments_and_retry()
    {
        var parser = SpecEventStreamParser.Parse(Encoding.UTF8.GetBytes(
            ": heartbeat\n\nretry: 2500\n\nevent: new-order\nid: 7\n: note\ndata: a\ndata: b\n\ndata: c\n\n"));

        parser.Blocks.Count.ShouldBe(4);
        parser.Blocks[0].ShouldSatisfyAllConditions(
            block => block.IsEvent.ShouldBeFalse(),
            block => block.Comments.ShouldBe(["heartbeat"]),
            block => block.Retry.ShouldBeNull());
        parser.Blocks[1].ShouldSatisfyAllConditions(
            block => block.IsEvent.ShouldBeFalse(),
            block => block.Retry.ShouldBe(2500),
            block => block.Comments.ShouldBeEmpty());
        parser.Blocks[2].ShouldSatisfyAllConditions(
            block => block.EventType.ShouldBe("new-order"),
            block => block.Id.ShouldBe("7"),
            block => block.Data.ShouldBe("a\nb"),
            block => block.Comments.ShouldBe(["note"]));

        // The id of a block is the one it carried, not the last one in force.
        parser.Blocks[3].ShouldSatisfyAllConditions(
            block => block.EventType.ShouldBeNull(),
            block => block.Id.ShouldBeNull(),
            block => block.Data.ShouldBe("c"));
        parser.Events[^1].LastEventId.ShouldBe("7");
    }

    [Theory]
    [InlineData("data:\n\n", "")]
    [InlineData("data\n\n", "")]
    [InlineData("data: a\ndata:\n\n", "a\n")]
    public void Tells_an_empty_data_line_from_no_data(string stream, string data)
    {
        var block = SpecEventStreamParser.Parse(Encoding.UTF8.GetBytes(stream)).Blocks.ShouldHaveSingleItem();

        block.Data.ShouldBe(data);
        block.IsEvent.ShouldBeTrue();
    }

    [Theory]
    [InlineData("\n\n\r\n")]
    [InlineData("data: cut off by the end")]
    [InlineData(": a comment without its blank line\n")]
    public void Keeps_no_block_that_was_not_ended_by_a_blank_line_or_had_no_line(string stream)
    {
        SpecEventStreamParser.Parse(Encoding.UTF8.GetBytes(stream)).Blocks.ShouldBeEmpty();
    }

    [Fact]
    public void Reads_the_same_blocks_whatever_the_chunks()
    {
        var bytes = Encoding.UTF8.GetBytes("event: é\r\nid: 1\r\ndata: ü\r\n\r\n: ping\r\n\r\n");
        var whole = SpecEventStreamParser.Parse(bytes);
        var byteByByte = new SpecEventStreamParser();
        foreach (var b in bytes)
        {
            byteByByte.Feed([b]);
        }

        byteByByte.Blocks.Select(block => block.ToString()).ShouldBe(whole.Blocks.Select(block => block.ToString()));
        whole.Blocks.Count.ShouldBe(2);
    }
}
