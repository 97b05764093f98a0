namespace CleanSse.Application.Common.Events;

/// <summary>An event raised in the current scope, with the contract it was raised as.</summary>
public sealed record RaisedIntegrationEvent(IIntegrationEvent Event, IntegrationEventType Type);
