using Mediator;

// Posing as notification handlers: two named for what they handle, and one broken rule in each other one.
namespace CleanSse.Application.Violations.Notifications;

public sealed record ParcelShipped(string Id) : INotification;

public sealed record ParcelLost(string Id) : INotification;

public sealed record InvoicePaid(string Id) : INotification;

public sealed class ParcelEventsMailer : INotificationHandler<ParcelShipped>, INotificationHandler<ParcelLost>
{
    public ValueTask Handle(ParcelShipped notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask Handle(ParcelLost notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class ParcelLostAlert : INotificationHandler<ParcelLost>
{
    public ValueTask Handle(ParcelLost notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public class ParcelShippedAuditor : INotificationHandler<ParcelShipped>
{
    public ValueTask Handle(ParcelShipped notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class ShipmentWatcher : INotificationHandler<ParcelShipped>
{
    public ValueTask Handle(ParcelShipped notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

public sealed class MixedEventsRelay : INotificationHandler<ParcelLost>, INotificationHandler<InvoicePaid>
{
    public ValueTask Handle(ParcelLost notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public ValueTask Handle(InvoicePaid notification, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
