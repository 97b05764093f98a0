using CleanSse.Application.Common.Events;
using Mediator;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Infrastructure.Realtime.Publishing;

/// <summary>
/// Runs the publication path once with an empty batch before the service takes requests: the publisher, the mediator's
/// notification, the log's handler and the append are compiled then, not by the first order's event. An empty batch
/// appends nothing, marks nothing and reaches no stream, on either log.
/// </summary>
internal static class PublishingWarmUp
{
    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        await provider.GetRequiredService<IntegrationEventPublisher>().PublishAsync([], cancellationToken);

        var committed = new IntegrationEventsCommitted([]);
        await provider.GetRequiredService<IPublisher>().Publish(committed, cancellationToken);
        if (committed.Positions is not { Count: 0 })
        {
            throw new InvalidOperationException("No event log handled the warm-up's empty batch.");
        }
    }
}
