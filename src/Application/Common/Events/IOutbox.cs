namespace CleanSse.Application.Common.Events;

/// <summary>The stored events (written by the unit of work in the commit of their change), as the publishing step sees them.</summary>
public interface IOutbox
{
    /// <summary>Records that these events were published, so the sweep does not take them again.</summary>
    Task MarkPublishedAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken cancellationToken);
}
