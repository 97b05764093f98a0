using Mediator;

namespace CleanSse.Application.Common.Messaging;

/// <summary>
/// Stores a notification with the current unit of work, in the same transaction as the change it reports, so that a
/// crash between the commit and its publication cannot lose it: whatever was not published is published later.
/// </summary>
public interface IEventOutbox
{
    void Stage(INotification notification);
}
