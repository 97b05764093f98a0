using CleanSse.Application.Identity.Commands.AddStaffMember;
using FluentValidation.TestHelper;

namespace CleanSse.Application.UnitTests.Identity;

public sealed class AddStaffMemberCommandValidatorTests
{
    private readonly AddStaffMemberCommandValidator _validator = new();

    [Fact]
    public void An_address_and_a_password_are_accepted()
    {
        _validator.TestValidate(new AddStaffMemberCommand("ops@example.test", "Long-enough-1")).ShouldNotHaveAnyValidationErrors();
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void A_missing_address_is_refused_as_required(string? email)
    {
        _validator.TestValidate(new AddStaffMemberCommand(email!, "Long-enough-1"))
            .ShouldHaveValidationErrorFor(command => command.Email)
            .WithErrorMessage("'email' is required.");
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("ops@")]
    public void Something_that_is_not_an_address_is_refused(string email)
    {
        _validator.TestValidate(new AddStaffMemberCommand(email, "Long-enough-1"))
            .ShouldHaveValidationErrorFor(command => command.Email)
            .WithErrorMessage("'email' is not an email address.");
    }

    [Fact]
    public void An_address_over_the_store_s_limit_is_refused()
    {
        var email = new string('a', AddStaffMemberCommandValidator.EmailMaxLength) + "@example.test";

        _validator.TestValidate(new AddStaffMemberCommand(email, "Long-enough-1")).ShouldHaveValidationErrorFor(command => command.Email);
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void A_missing_password_is_refused_as_required(string? password)
    {
        _validator.TestValidate(new AddStaffMemberCommand("ops@example.test", password!))
            .ShouldHaveValidationErrorFor(command => command.Password)
            .WithErrorMessage("'password' is required.");
    }
}
