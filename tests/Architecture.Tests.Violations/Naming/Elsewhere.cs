using FluentValidation;
using Mediator;

// The handler and validator of MisplacedCommand, named right but away from their message's namespace.
namespace CleanSse.Application.Violations.Naming.Elsewhere;

public sealed class MisplacedCommandHandler : ICommandHandler<MisplacedCommand, int>
{
    public ValueTask<int> Handle(MisplacedCommand command, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

public sealed class MisplacedCommandValidator : AbstractValidator<MisplacedCommand>
{
}
