using FluentValidation;
using Mediator;

// Posing as use cases of the application layer: one done right, and one broken rule in each other pair.
namespace CleanSse.Application.Violations.Naming;

public sealed record PlaceOrderCommand(string Customer) : ICommand<int>;

public sealed class PlaceOrderCommandHandler : ICommandHandler<PlaceOrderCommand, int>
{
    public ValueTask<int> Handle(PlaceOrderCommand command, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

public sealed class PlaceOrderCommandValidator : AbstractValidator<PlaceOrderCommand>
{
}

public sealed record UnsealedCommand : ICommand<int>;

public class UnsealedCommandHandler : ICommandHandler<UnsealedCommand, int>
{
    public ValueTask<int> Handle(UnsealedCommand command, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

public class UnsealedCommandValidator : AbstractValidator<UnsealedCommand>
{
}

public sealed record RenamedQuery : IQuery<int>;

public sealed class RenamedQueryProcessor : IQueryHandler<RenamedQuery, int>
{
    public ValueTask<int> Handle(RenamedQuery query, CancellationToken cancellationToken) => ValueTask.FromResult(1);
}

public sealed class RenamedQueryRules : AbstractValidator<RenamedQuery>
{
}

public sealed record MisplacedCommand : ICommand<int>;
