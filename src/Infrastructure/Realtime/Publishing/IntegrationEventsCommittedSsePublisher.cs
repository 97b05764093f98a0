using CleanSse.Application.Common.Events;
using Mediator;

namespace CleanSse.Infrastructure.Realtime.Publishing;

/// <summary>The event log's subscriber to committed batches: appends them to the stream and records their positions.</summary>
/// <remarks>Public because the mediator's generated registrations in the Api project name it.</remarks>
public sealed class IntegrationEventsCommittedSsePublisher(OrderEventsSsePublisher stream) : INotificationHandler<IntegrationEventsCommitted>
{
    public async ValueTask Handle(IntegrationEventsCommitted notification, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notification);
        notification.RecordPositions(await stream.AppendAsync(notification.Events, notification.Traces, cancellationToken));
    }
}
