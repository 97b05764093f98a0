using System.Collections.Concurrent;

namespace CleanSse.Chaos;

/// <summary>
/// What the writers know for certain: per order, the statuses it went through, in order, each one acknowledged by the
/// service (or, after a request whose answer was lost, read back). Only the writer that created an order changes it,
/// so an order's list is its whole history.
/// </summary>
public sealed class Ledger
{
    private readonly ConcurrentDictionary<string, List<string>> _histories = new(StringComparer.OrdinalIgnoreCase);
    private int _acknowledged;
    private int _uncertain;

    /// <summary>Changes the service acknowledged (201 or 200).</summary>
    public int Acknowledged => Volatile.Read(ref _acknowledged);

    /// <summary>Requests whose answer never came (a cut or a killed instance): they may or may not have been applied.</summary>
    public int Uncertain => Volatile.Read(ref _uncertain);

    public int Orders => _histories.Count;

    public void Created(string orderId, bool acknowledged)
    {
        _histories[orderId] = ["new"];
        if (acknowledged)
        {
            Interlocked.Increment(ref _acknowledged);
        }
    }

    public void Changed(string orderId, string status, bool acknowledged)
    {
        var history = _histories[orderId];
        lock (history)
        {
            history.Add(status);
        }

        if (acknowledged)
        {
            Interlocked.Increment(ref _acknowledged);
        }
    }

    public void Unanswered() => Interlocked.Increment(ref _uncertain);

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Snapshot() =>
        _histories.ToDictionary(entry => entry.Key, entry => (IReadOnlyList<string>)[.. entry.Value], StringComparer.OrdinalIgnoreCase);
}
