using Microsoft.EntityFrameworkCore;

namespace CleanSse.Infrastructure.Persistence.Writing;

/// <summary>
/// The rows a request adds (a new order, its outbox rows), kept out of the change tracker until a save needs it there.
/// A save of nothing but new rows writes them from the objects themselves; tracking a new order, its graph of owned
/// lines and their fix-up, was an eighth of an order's CPU for rows written once and not read back in the request.
/// Once committed they are not tracked: a later lookup in the same request reads them from the database.
/// </summary>
internal sealed class NewRows
{
    private readonly List<object> _rows = [];

    public IReadOnlyList<object> Pending => _rows;

    public void Add(object row)
    {
        ArgumentNullException.ThrowIfNull(row);
        _rows.Add(row);
    }

    public void Remove(object row) => _rows.Remove(row);

    /// <summary>Committed: no later save writes them again.</summary>
    public void Clear() => _rows.Clear();

    /// <summary>Hands the rows to <paramref name="context"/>'s change tracker, for a save that EF Core runs itself.</summary>
    public void TrackIn(DbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var row in _rows)
        {
            context.Add(row);
        }

        _rows.Clear();
    }
}
