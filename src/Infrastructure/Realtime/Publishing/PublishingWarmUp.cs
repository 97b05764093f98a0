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

        try
        {
            await provider.GetRequiredService<IPublisher>().Publish(new IntegrationEventsCommitted([]), cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A log failing now does not stop the start: the dispatcher retries what waits, and the first order's event
            // compiles this path itself.
        }
    }
}
