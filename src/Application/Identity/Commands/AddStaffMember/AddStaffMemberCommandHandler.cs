using CleanSse.Application.Common.Security;
using FluentValidation;
using FluentValidation.Results;
using Mediator;

namespace CleanSse.Application.Identity.Commands.AddStaffMember;

public sealed class AddStaffMemberCommandHandler(IUserAccounts accounts) : ICommandHandler<AddStaffMemberCommand>
{
    public async ValueTask<Unit> Handle(AddStaffMemberCommand command, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var refused = await accounts.EnsureStaffAsync(command.Email, command.Password, cancellationToken);
        if (refused.Count > 0)
        {
            // The store's own rules (password strength, a taken user name) speak through the same error as the validator's.
            throw new ValidationException(refused.Select(reason => new ValidationFailure(nameof(command.Password), reason)));
        }

        return Unit.Value;
    }
}
