namespace CleanSse.Application.Common.Persistence;

/// <summary>Commits every change made through the repositories of one request, atomically.</summary>
public interface IUnitOfWork
{
    /// <exception cref="Exceptions.ConcurrencyConflictException">Another request changed the same aggregate first.</exception>
    Task SaveChangesAsync(CancellationToken cancellationToken);
}
