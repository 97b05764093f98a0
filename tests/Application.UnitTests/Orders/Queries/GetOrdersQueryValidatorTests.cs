using CleanSse.Application.Orders.Queries.GetOrders;
using FluentValidation.TestHelper;

namespace CleanSse.Application.UnitTests.Orders.Queries;

public sealed class GetOrdersQueryValidatorTests
{
    private readonly GetOrdersQueryValidator _validator = new();

    [Theory]
    [InlineData(1)]
    [InlineData(500)]
    [InlineData(1000)]
    public void A_limit_of_1_to_1000_is_accepted(int limit)
    {
        _validator.TestValidate(new GetOrdersQuery(limit)).ShouldNotHaveAnyValidationErrors();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(1001)]
    [InlineData(int.MaxValue)]
    public void A_limit_outside_1_to_1000_is_refused(int limit)
    {
        _validator.TestValidate(new GetOrdersQuery(limit)).ShouldHaveValidationErrorFor(q => q.Limit);
    }

    [Fact]
    public void The_default_query_is_valid()
    {
        _validator.TestValidate(new GetOrdersQuery()).ShouldNotHaveAnyValidationErrors();
    }
}
