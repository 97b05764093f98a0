using CleanSse.Application.Orders.Queries.GetOrders;

namespace CleanSse.Application.UnitTests.Orders.Queries;

public sealed class OrderCursorTests
{
    [Theory]
    [InlineData("019ade0f4c2a7b3e9d1c0b5a69788776")]
    [InlineData("0")]
    [InlineData("ab")]
    [InlineData("abc")]
    public void A_cursor_decodes_to_the_id_it_was_made_of(string id)
    {
        var cursor = OrderCursor.Encode(id);

        cursor.ShouldAllBe(character => char.IsAsciiLetterOrDigit(character) || character == '-' || character == '_');
        OrderCursor.TryDecode(cursor, out var decoded).ShouldBeTrue();
        decoded.ShouldBe(id);
    }

    [Fact]
    public void A_cursor_does_not_show_the_id_as_it_is()
    {
        OrderCursor.Encode("019ade0f4c2a7b3e9d1c0b5a69788776").ShouldNotContain("019ade0f");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("a+b/")]
    [InlineData("MDE5YWRlMGY0YzJhN2IzZTlkMWMwYjVhNjk3ODg3NzY3Nw")] // 33 hex digits: longer than any id
    [InlineData("QUJD")] // "ABC": upper case is not an id
    public void Anything_else_is_not_a_cursor(string? cursor)
    {
        OrderCursor.TryDecode(cursor, out _).ShouldBeFalse();
    }
}
