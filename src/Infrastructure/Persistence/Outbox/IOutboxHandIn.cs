using System.Diagnostics;
using CleanSse.Application.Common.Events;

namespace CleanSse.Infrastructure.Persistence.Outbox;

/// <summary>
/// Where a unit of work hands the events it is about to commit, so the dispatcher publishes them as they are instead of
/// reading their rows back when a run finds them committed before their request has asked for their dispatch.
/// </summary>
internal interface IOutboxHandIn
{
    /// <summary>The events of a commit about to start, with the span they were raised in.</summary>
    void Expect(IReadOnlyList<RaisedIntegrationEvent> events, ActivityContext span);

    /// <summary>The events of a commit that failed: their rows will never be committed.</summary>
    void Forget(IReadOnlyList<RaisedIntegrationEvent> events);
}
