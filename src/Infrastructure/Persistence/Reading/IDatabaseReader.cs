using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence.Reading;

/// <summary>
/// Runs a read of a request's <see cref="DbContext"/> on a connection the database keeps ready for reads, where it has
/// such connections.
/// </summary>
internal interface IDatabaseReader
{
    /// <summary>Runs <paramref name="read"/> on <paramref name="context"/>, which is used by no one else meanwhile.</summary>
    Task<T> ReadAsync<T>(DbContext context, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken);
}

/// <summary>Reads on the context's own connection: PostgreSQL's pool hands out an open connection cheaply.</summary>
internal sealed class DirectDatabaseReader : IDatabaseReader
{
    public Task<T> ReadAsync<T>(DbContext context, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(read);
        return read(cancellationToken);
    }
}
