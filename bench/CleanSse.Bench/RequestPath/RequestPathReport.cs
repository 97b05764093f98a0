using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CleanSse.Bench.RequestPath;

/// <summary>One request kind at one number of callers, in one round.</summary>
public sealed record CellResult(
    string Operation,
    int Callers,
    long Requests,
    double PerSecond,
    double P50Ms,
    double P99Ms,
    double ServerCpuMicros,
    double BenchCpuMicros,
    int Errors,
    string ErrorStatuses,
    bool RanOut)
{
    /// <summary>Which measurement of the cell this is, from 1; 0 for the median of them all.</summary>
    public int Round { get; init; }
}

/// <summary>An order posted right after start: its 201, and its event on a stream opened before it.</summary>
public sealed record FirstOrder(int Number, double PostMs, double ToEventMs);

public sealed class ServerRun(string name)
{
    public string Name { get; } = name;

    public string? LoadBefore { get; set; }

    public string? LoadAfter { get; set; }

    public double StartSeconds { get; set; }

    public List<FirstOrder> FirstOrders { get; set; } = [];

    /// <summary>Every round of every cell.</summary>
    public List<CellResult> Cells { get; } = [];

    public List<string> Errors { get; } = [];

    /// <summary>The rounds of one cell, first to last.</summary>
    public IReadOnlyList<CellResult> Rounds(string operation, int callers) =>
        [.. Cells.Where(cell => cell.Operation == operation && cell.Callers == callers).OrderBy(cell => cell.Round)];

    /// <summary>
    /// The cell as reported: each figure the median of its rounds (requests and errors summed), or null when it was
    /// not measured.
    /// </summary>
    public CellResult? Cell(string operation, int callers)
    {
        var rounds = Rounds(operation, callers);
        if (rounds.Count == 0)
        {
            return null;
        }

        return new CellResult(
            operation,
            callers,
            rounds.Sum(cell => cell.Requests),
            Statistics.Median(rounds.Select(cell => cell.PerSecond)),
            Statistics.Median(rounds.Select(cell => cell.P50Ms)),
            Statistics.Median(rounds.Select(cell => cell.P99Ms)),
            Statistics.Median(rounds.Select(cell => cell.ServerCpuMicros)),
            Statistics.Median(rounds.Select(cell => cell.BenchCpuMicros)),
            rounds.Sum(cell => cell.Errors),
            string.Join("; ", rounds.Select(cell => cell.ErrorStatuses).Where(statuses => statuses.Length > 0)),
            rounds.Any(cell => cell.RanOut));
    }

    /// <summary>
    /// The median over rounds of this server's requests per second against the baseline's in the same round (the
    /// two measured one right after the other), or null when no round has both.
    /// </summary>
    public double? RatioTo(ServerRun baseline, string operation, int callers)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        var reference = baseline.Rounds(operation, callers).ToDictionary(cell => cell.Round);
        var ratios = Rounds(operation, callers)
            .Where(cell => reference.TryGetValue(cell.Round, out var other) && other.PerSecond > 0)
            .Select(cell => cell.PerSecond / reference[cell.Round].PerSecond)
            .ToList();
        return ratios.Count == 0 ? null : Statistics.Median(ratios);
    }
}

internal static class Statistics
{
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

public sealed class RequestPathReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["post"] = "`POST /api/orders`",
        ["get"] = "`GET /api/orders/{id}`",
        ["list"] = "`GET /api/orders?limit=20`",
        ["patch"] = "`PATCH /api/orders/{id}`",
        ["health"] = "`GET /healthz`",
    };

    public required RequestPathOptions Settings { get; init; }

    public DateTimeOffset Started { get; init; }

    public string? LoadAtStart { get; init; }

    public string? LoadAtEnd { get; set; }

    public double DurationSeconds { get; set; }

    public List<ServerRun> Servers { get; } = [];

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public string Markdown(string machine)
    {
        var text = new StringBuilder();
        text.AppendLine(machine);
        Line(text, $"Load average (1, 5, 15 min) at start: {LoadAtStart}; at end: {LoadAtEnd}. Run took {DurationSeconds / 60:F1} min; {Settings.Seconds:0.##} s measured per cell after {Settings.WarmUpSeconds:0.##} s of warm-up, {Settings.Rounds} rounds of each cell with the servers taking turns.");
        Line(text, $"Each figure is the median of a cell's rounds; a ratio is the median of the rounds' ratios, each against the baseline's cell of the same round. The last column gives every round's requests/s.");
        text.AppendLine();
        WriteTargets(text);

        var baseline = Servers.FirstOrDefault(server => server.Name == "baseline");
        foreach (var operation in Settings.Operations)
        {
            Line(text, $"#### {Names.GetValueOrDefault(operation, operation)}");
            text.AppendLine();
            text.AppendLine("| server | callers | requests/s | vs baseline | p50 | p99 | server CPU per request | bench CPU per request | errors | rounds (requests/s) |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var server in Servers)
            {
                foreach (var callers in Settings.Callers)
                {
                    if (server.Cell(operation, callers) is not { } cell)
                    {
                        continue;
                    }

                    var ratio = server == baseline || baseline is null || server.RatioTo(baseline, operation, callers) is not { } value
                        ? ""
                        : Ratio(value);
                    var rounds = string.Join(" / ", server.Rounds(operation, callers).Select(round => round.PerSecond.ToString("N0", CultureInfo.InvariantCulture)));
                    Line(text, $"| {server.Name} | {callers} | {cell.PerSecond:N0} | {ratio} | {cell.P50Ms:F2} ms | {cell.P99Ms:F2} ms | {cell.ServerCpuMicros:N0} µs | {cell.BenchCpuMicros:N0} µs | {(cell.Errors == 0 ? "0" : $"{cell.Errors} ({cell.ErrorStatuses})")}{(cell.RanOut ? ", ran out of orders" : "")} | {rounds} |");
                }
            }

            text.AppendLine();
        }

        if (Servers.Any(server => server.FirstOrders.Count > 0))
        {
            text.AppendLine("#### Orders right after start: from the POST to its event on a stream opened before it");
            text.AppendLine();
            text.AppendLine("| server | started in | first order: 201 | first order: event | orders 2.. : event |");
            text.AppendLine("|---|---:|---:|---:|---|");
            foreach (var server in Servers.Where(server => server.FirstOrders.Count > 0))
            {
                var first = server.FirstOrders[0];
                Line(text, $"| {server.Name} | {server.StartSeconds:F1} s | {first.PostMs:F1} ms | {first.ToEventMs:F1} ms | {string.Join(", ", server.FirstOrders.Skip(1).Select(order => order.ToEventMs.ToString("F1", CultureInfo.InvariantCulture)))} ms |");
            }

            text.AppendLine();
        }

        foreach (var server in Servers.Where(server => server.Errors.Count > 0))
        {
            Line(text, $"Errors on {server.Name}: {string.Join("; ", server.Errors)}");
        }

        return text.ToString();
    }

    /// <summary>Issue 13's targets, from this run alone.</summary>
    private void WriteTargets(StringBuilder text)
    {
        var baseline = Servers.FirstOrDefault(server => server.Name == "baseline");
        var sqlite = Servers.FirstOrDefault(server => server.Name == "sqlite");
        var postgres = Servers.FirstOrDefault(server => server.Name == "postgres");
        text.AppendLine("#### Targets");
        text.AppendLine();
        text.AppendLine("| target | measured | |");
        text.AppendLine("|---|---:|---|");
        Ratio(text, "POST at 32 callers, SQLite: at least 0.2x the baseline", sqlite, baseline, "post", 0.2);
        Cell(text, "POST at 32 callers, SQLite: p99 at most 20 ms", sqlite?.Cell("post", 32)?.P99Ms, 20, "ms");
        Cell(text, "POST at 32 callers, SQLite: at most 300 µs of server CPU per order", sqlite?.Cell("post", 32)?.ServerCpuMicros, 300, "µs");
        Ratio(text, "POST at 32 callers, PostgreSQL: at least 0.1x the baseline", postgres, baseline, "post", 0.1);
        Ratio(text, "GET by id at 32 callers, SQLite: at least 0.3x the baseline", sqlite, baseline, "get", 0.3);
        Ratio(text, "Health at 32 callers, SQLite: at least 0.5x the baseline", sqlite, baseline, "health", 0.5);
        Cell(text, "The first order after start reaches an open stream in under 100 ms (SQLite)", sqlite?.FirstOrders.FirstOrDefault()?.ToEventMs, 100, "ms");
        Cell(text, "The first order after start reaches an open stream in under 100 ms (PostgreSQL)", postgres?.FirstOrders.FirstOrDefault()?.ToEventMs, 100, "ms");
        text.AppendLine();
    }

    private static void Ratio(StringBuilder text, string target, ServerRun? server, ServerRun? baseline, string operation, double minimum)
    {
        var measured = server is null || baseline is null ? null : server.RatioTo(baseline, operation, 32);
        if (measured is double value && double.IsFinite(value))
        {
            Line(text, $"| {target} | {Ratio(value)} | {(value >= minimum ? "met" : "not met")} |");
        }
        else
        {
            Line(text, $"| {target} | not measured | |");
        }
    }

    private static void Cell(StringBuilder text, string target, double? measured, double maximum, string unit)
    {
        if (measured is double value && double.IsFinite(value))
        {
            Line(text, $"| {target} | {value:F1} {unit} | {(value <= maximum ? "met" : "not met")} |");
        }
        else
        {
            Line(text, $"| {target} | not measured | |");
        }
    }

    private static string Ratio(double value) =>
        value.ToString(value < 0.1 ? "0.000" : "0.00", CultureInfo.InvariantCulture) + "x";

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
