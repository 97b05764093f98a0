using CleanSse.Application.Orders.Queries.GetOrders;
using FluentValidation.TestHelper;

namespace CleanSse.Application.UnitTests.Orders.Queries;

public sealed class GetOrdersQueryValidatorTests
{
    private readonly GetOrdersQueryValidator _validator = new();

    [Theory]
    [InlineData(1)]
    [InlineData(50)]
    [InlineData(200)]
    public void A_limit_of_1_to_200_is_accepted(int limit)
    {
        _validator.TestValidate(new GetOrdersQuery(limit)).ShouldNotHaveAnyValidationErrors();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(201)]
    [InlineData(1000)]
    [InlineData(int.MaxValue)]
    public void A_limit_outside_1_to_200_is_refused(int limit)
    {
        _validator.TestValidate(new GetOrdersQuery(limit)).ShouldHaveValidationErrorFor(q => q.Limit);
    }

    [Fact]
    public void The_default_query_is_valid()
    {
        _validator.TestValidate(new GetOrdersQuery()).ShouldNotHaveAnyValidationErrors();
    }

    [Theory]
    [InlineData("new")]
    [InlineData("paid")]
    [InlineData("shipped")]
    [InlineData("cancelled")]
    public void Every_status_name_is_a_filter(string status)
    {
        _validator.TestValidate(new GetOrdersQuery(Status: status)).ShouldNotHaveAnyValidationErrors();
    }

    [Theory]
    [InlineData("")]
    [InlineData("Paid")]
    [InlineData("refunded")]
    public void Any_other_status_is_refused(string status)
    {
        _validator.TestValidate(new GetOrdersQuery(Status: status)).ShouldHaveValidationErrorFor(q => q.Status);
    }

    [Fact]
    public void A_cursor_the_service_gave_out_is_accepted()
    {
        _validator.TestValidate(new GetOrdersQuery(After: OrderCursor.Encode("019ade0f4c2a7b3e9d1c0b5a69788776")))
            .ShouldNotHaveAnyValidationErrors();
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cursor")]
    [InlineData("!!!!")]
    [InlineData("Zm9v")] // "foo": not an id
    [InlineData("A")]
    public void Anything_else_as_a_cursor_is_refused(string after)
    {
        _validator.TestValidate(new GetOrdersQuery(After: after)).ShouldHaveValidationErrorFor(q => q.After);
    }
}
