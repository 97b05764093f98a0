using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence.Writing;

/// <summary>
/// Each write commits in its own transaction on the context's own connection: a server database (PostgreSQL) locks
/// rows, not the whole database, so concurrent writers do not wait for each other.
/// </summary>
internal sealed class DirectDatabaseWriter : IDatabaseWriter
{
    public Task<T> WriteAsync<T>(DbContext context, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(write);
        return write(cancellationToken);
    }

    public Task SaveChangesAsync(DbContext context, NewRows newRows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(newRows);
        newRows.TrackIn(context);
        return context.SaveChangesAsync(acceptAllChangesOnSuccess: false, cancellationToken);
    }
}
