using System.Diagnostics.Metrics;

namespace CleanSse.Infrastructure.Persistence.Writing;

/// <summary>
/// The database writer's instruments, on the <c>CleanSse.Database</c> meter: writes per transaction is how much group
/// commit saves. Public for its meter's name, which the composition root exports.
/// </summary>
public sealed class DatabaseWriterMetrics
{
    public const string MeterName = "CleanSse.Database";

    private readonly Counter<long> _transactions;
    private readonly Counter<long> _writes;

    public DatabaseWriterMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _transactions = meter.CreateCounter<long>("cleansse.db.write_transactions", "{transaction}", "Transactions the database writer committed or tried to.");
        _writes = meter.CreateCounter<long>("cleansse.db.writes", "{write}", "Writes the database writer ran, each in its group's transaction.");
    }

    internal void GroupWritten(int writes)
    {
        _transactions.Add(1);
        _writes.Add(writes);
    }
}
