using CleanSse.Application.Common.Events;
using Mediator;

namespace CleanSse.Application.Common.Behaviours;

/// <summary>
/// Hands the integration events a command committed to the ordered dispatcher once its handler has returned, and waits
/// for their publication, so they are on the stream when the command answers. Only events the unit of work committed
/// are taken, so a handler that raises and then fails, or never saves, publishes nothing. The caller going away does
/// not stop the publication of what is committed.
/// </summary>
public sealed class PublishIntegrationEventsBehaviour<TMessage, TResponse>(
    ScopedIntegrationEvents events,
    IIntegrationEventDispatcher dispatcher)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IBaseCommand
{
    public async ValueTask<TResponse> Handle(
        TMessage message,
        MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);

        var response = await next(message, cancellationToken);

        var committed = events.TakeCommitted();
        if (committed.Count > 0)
        {
            await dispatcher.DispatchAsync(committed, CancellationToken.None);
        }

        return response;
    }
}
