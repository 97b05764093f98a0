using System.Data.Common;
using CleanSse.Infrastructure.Persistence.Writing;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>
/// A writer without a queue: each write commits on the context's own connection, as EF Core alone does. For tests of
/// the unit of work that are about what it saves, not how the service's writer groups it.
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

    public Task<T>? TryWriteOnOwnConnection<T>(Func<DbConnection, DbTransaction, T> statements, CancellationToken cancellationToken) => null;
}
