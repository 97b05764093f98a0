using System.Globalization;
using System.Text;

namespace CleanSse.Chaos;

/// <summary>The counts of one client's checks.</summary>
public sealed record ClientCounts(int Number, int Connections, int Events, int Resets, int IncrementalReloads, int StartLoads, int Lost, int Duplicates, int Reordered, int Recovered);

/// <summary>What a chaos run did and found. <see cref="Passed"/> when nothing was lost, duplicated or reordered.</summary>
public sealed record ChaosReport(
    ChaosOptions Options,
    string Store,
    TimeSpan Elapsed,
    int OrdersStored,
    int AcknowledgedChanges,
    int UnansweredRequests,
    int AcknowledgedNotStored,
    long OutboxPending,
    IReadOnlyDictionary<string, int> Faults,
    IReadOnlyList<ClientCounts> Clients,
    IReadOnlyList<string> Problems)
{
    public int Lost => Clients.Sum(client => client.Lost);

    public int Duplicates => Clients.Sum(client => client.Duplicates);

    public int Reordered => Clients.Sum(client => client.Reordered);

    public bool Passed => AcknowledgedNotStored == 0 && OutboxPending == 0 && Lost == 0 && Duplicates == 0 && Reordered == 0 && Problems.Count == 0;

    public override string ToString()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"chaos run: {Options.Duration.TotalMinutes:0.##} min of faults, store {Store}, Redis persistence {Options.Persistence.ToString().ToLowerInvariant()}, seed {Options.Seed}, {Elapsed.TotalSeconds:0} s in all");
        text.AppendLine(c, $"faults: {string.Join(", ", Faults.OrderBy(fault => fault.Key, StringComparer.Ordinal).Select(fault => $"{fault.Key} {fault.Value}"))}");
        text.AppendLine(c, $"writes: {OrdersStored} orders stored, {AcknowledgedChanges} changes acknowledged, {UnansweredRequests} requests not acknowledged (outcome read back), {AcknowledgedNotStored} acknowledged but not stored");
        text.AppendLine(c, $"outbox: {OutboxPending} rows still waiting");
        foreach (var client in Clients)
        {
            text.AppendLine(c, $"client {client.Number}: {client.Connections} connections, {client.Events} events, {client.Resets} resets ({client.IncrementalReloads} with changedSince), {client.StartLoads} loads on a fresh start, {client.Recovered} changes recovered by a reload, {client.Lost} lost, {client.Duplicates} duplicates, {client.Reordered} reordered");
        }

        foreach (var problem in Problems.Take(25))
        {
            text.AppendLine(c, $"  ! {problem}");
        }

        if (Problems.Count > 25)
        {
            text.AppendLine(c, $"  ! ... and {Problems.Count - 25} more");
        }

        text.Append(c, $"verdict: {(Passed ? "PASS" : "FAIL")} (lost {Lost}, duplicates {Duplicates}, reordered {Reordered}, acknowledged-not-stored {AcknowledgedNotStored}, outbox waiting {OutboxPending})");
        return text.ToString();
    }
}
