using FluentValidation;

namespace CleanSse.Application.Identity.Commands.AddStaffMember;

public sealed class AddStaffMemberCommandValidator : AbstractValidator<AddStaffMemberCommand>
{
    public const int EmailMaxLength = 256;

    public AddStaffMemberCommandValidator()
    {
        RuleFor(command => command.Email)
            .NotEmpty().WithMessage("'email' is required.")
            .MaximumLength(EmailMaxLength)
            .EmailAddress().WithMessage("'email' is not an email address.");
        RuleFor(command => command.Password).NotEmpty().WithMessage("'password' is required.");
    }
}
