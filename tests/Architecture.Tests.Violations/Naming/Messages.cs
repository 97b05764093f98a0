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

/// <summary>A query handler may send other queries; only command handlers may not.</summary>
public sealed record ComposedQuery : IQuery<int>;

public sealed class ComposedQueryHandler(ISender sender) : IQueryHandler<ComposedQuery, int>
{
    public async ValueTask<int> Handle(ComposedQuery query, CancellationToken cancellationToken) =>
        await sender.Send(new RenamedQuery(), cancellationToken);
}

public sealed record NotifyingCommand : ICommand;

public sealed record Notified : INotification;

public sealed class NotifyingCommandHandler(IServiceProvider services) : ICommandHandler<NotifyingCommand>
{
    public async ValueTask<Unit> Handle(NotifyingCommand command, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await ((IPublisher)services.GetService(typeof(IPublisher))!).Publish(new Notified(), cancellationToken);
        return Unit.Value;
    }
}

public sealed record ForwardingCommand : ICommand<int>;

public sealed class ForwardingCommandHandler(IServiceProvider services) : ICommandHandler<ForwardingCommand, int>
{
    public ValueTask<int> Handle(ForwardingCommand command, CancellationToken cancellationToken)
    {
        Func<object?, ValueTask<int>> forward = sender => ((ISender)sender!).Send(new PlaceOrderCommand("x"), cancellationToken);
        return forward(services.GetService(typeof(ISender)));
    }
}
