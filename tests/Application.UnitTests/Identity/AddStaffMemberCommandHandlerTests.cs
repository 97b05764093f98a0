using CleanSse.Application.Common.Security;
using CleanSse.Application.Identity.Commands.AddStaffMember;
using FluentValidation;
using NSubstitute;

namespace CleanSse.Application.UnitTests.Identity;

public sealed class AddStaffMemberCommandHandlerTests
{
    private readonly IUserAccounts _accounts = Substitute.For<IUserAccounts>();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Makes_the_address_staff_with_the_password_given()
    {
        _accounts.EnsureStaffAsync("ops@example.test", "Long-enough-1", Arg.Any<CancellationToken>()).Returns([]);

        await new AddStaffMemberCommandHandler(_accounts).Handle(new AddStaffMemberCommand("ops@example.test", "Long-enough-1"), Cancellation);

        await _accounts.Received(1).EnsureStaffAsync("ops@example.test", "Long-enough-1", Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task The_store_s_refusals_become_validation_errors_on_the_password()
    {
        _accounts.EnsureStaffAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>())
            .Returns(["Passwords must be at least 6 characters.", "Passwords must have at least one digit ('0'-'9')."]);

        var refused = await Should.ThrowAsync<ValidationException>(async () =>
            await new AddStaffMemberCommandHandler(_accounts).Handle(new AddStaffMemberCommand("ops@example.test", "weak"), Cancellation));

        refused.Errors.Select(error => error.ErrorMessage).ShouldBe(
            ["Passwords must be at least 6 characters.", "Passwords must have at least one digit ('0'-'9')."]);
        refused.Errors.ShouldAllBe(error => error.PropertyName == nameof(AddStaffMemberCommand.Password));
    }
}
