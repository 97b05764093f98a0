using CleanSse.Application.Orders.Commands.ChangeOrderStatus;
using FluentValidation.TestHelper;

namespace CleanSse.Application.UnitTests.Orders.Commands;

public sealed class ChangeOrderStatusCommandValidatorTests
{
    private readonly ChangeOrderStatusCommandValidator _validator = new();

    [Theory]
    [InlineData("new")]
    [InlineData("paid")]
    [InlineData("shipped")]
    [InlineData("cancelled")]
    public void Every_status_name_of_the_contract_is_accepted(string status)
    {
        _validator.TestValidate(new ChangeOrderStatusCommand("o-1", status)).ShouldNotHaveAnyValidationErrors();
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    public void A_missing_id_is_refused(string? id)
    {
        _validator.TestValidate(new ChangeOrderStatusCommand(id!, "paid")).ShouldHaveValidationErrorFor(c => c.Id);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(null)]
    public void A_missing_status_is_reported_once_as_required(string? status)
    {
        var result = _validator.TestValidate(new ChangeOrderStatusCommand("o-1", status!));

        result.ShouldHaveValidationErrorFor(c => c.Status)
            .ShouldHaveSingleItem()
            .ErrorMessage.ShouldBe("'status' is required.");
    }

    [Theory]
    [InlineData("Paid")]
    [InlineData("PAID")]
    [InlineData(" paid")]
    [InlineData("refunded")]
    [InlineData("1")]
    public void A_status_that_is_not_one_of_the_lower_case_names_is_refused_with_the_names_listed(string status)
    {
        var result = _validator.TestValidate(new ChangeOrderStatusCommand("o-1", status));

        var error = result.ShouldHaveValidationErrorFor(c => c.Status).ShouldHaveSingleItem();
        error.ErrorMessage.ShouldContain("new");
        error.ErrorMessage.ShouldContain("paid");
        error.ErrorMessage.ShouldContain("shipped");
        error.ErrorMessage.ShouldContain("cancelled");
    }
}
