namespace CleanSse.Application.Common.Events;

/// <summary>The stored events (written by the unit of work in the commit of their change), as the publishing step sees them.</summary>
public interface IOutbox
{
    /// <summary>
    /// Records, in one statement, that these events were published and at which log position each one is, so the
    /// sweep does not take them again and a lost log can be rebuilt with the same positions.
    /// </summary>
    Task MarkPublishedAsync(IReadOnlyList<Guid> eventIds, IReadOnlyList<string> positions, CancellationToken cancellationToken);
}
