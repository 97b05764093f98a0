using System.Data.Common;
using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence.Writing;

/// <summary>
/// Runs a write of a request's <see cref="DbContext"/> (a SaveChanges, an ExecuteUpdate) as part of a committed
/// transaction. The write's outcome is its own: when it fails, nothing it wrote is kept, and other writes are not
/// affected.
/// </summary>
internal interface IDatabaseWriter
{
    /// <summary>
    /// Runs <paramref name="write"/> on <paramref name="context"/> and returns once what it wrote is committed. A context
    /// is written by one caller at a time, and not used by that caller until this completes.
    /// </summary>
    Task<T> WriteAsync<T>(DbContext context, Func<CancellationToken, Task<T>> write, CancellationToken cancellationToken);

    /// <summary>
    /// Commits what <paramref name="context"/> tracks and the rows of <paramref name="newRows"/>, as
    /// <c>SaveChangesAsync(acceptAllChangesOnSuccess: false)</c> does (failures included), in whatever way this writer
    /// does it fastest. Store-generated keys are set on the entries and the new rows; accepting the changes, and
    /// clearing the new rows once committed, is left to the caller. New rows a save needs tracked are moved into
    /// <paramref name="context"/>.
    /// </summary>
    Task SaveChangesAsync(DbContext context, NewRows newRows, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="statements"/> on the writer's own connection, inside the transaction of its group, and
    /// returns once they are committed; null where this writer does not run every write of the database (requests then
    /// write on their own connections, through <see cref="WriteAsync{T}"/>).
    /// </summary>
    Task<T>? TryWriteOnOwnConnection<T>(Func<DbConnection, DbTransaction, T> statements, CancellationToken cancellationToken);
}
