namespace CleanSse.Application.Common.Events;

/// <summary>
/// Where a command handler raises the integration events of its change. Raising publishes nothing: the unit of work
/// stores the events with the change, and they are published only after it is committed.
/// </summary>
public interface IIntegrationEvents
{
    void Raise<TEvent>(TEvent integrationEvent)
        where TEvent : IIntegrationEvent<TEvent>;
}
