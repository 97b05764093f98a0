using System.Globalization;
using System.Text;

namespace CleanSse.Bench;

/// <summary>
/// The targets CleanSse is held to, judged on the run's largest client count: shown with the results, never asserted.
/// </summary>
public static class Targets
{
    private const string Subject = "cleansse";
    private const string Baseline = "naive";

    // An earlier build of CleanSse is a reference for the change, not a competitor the targets speak of.
    private const string EarlierBuild = "baseline";

    public static void Write(StringBuilder text, BenchReport report)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(report);
        var subject = report.Servers.FirstOrDefault(s => s.Name == Subject);
        if (subject is null || subject.Fanout.Count == 0)
        {
            return;
        }

        var clients = subject.Fanout.Max(p => p.Clients);
        var others = report.Servers.Where(s => s.Name is not Subject and not EarlierBuild).ToList();
        var rows = new List<(string Target, string Measured, bool? Met)>();

        foreach (var (label, pick, minimumRatio) in new (string, Func<FanoutPoint, PhaseResult?>, double)[]
                 {
                     ("bursts", p => p.Burst, 2.0),
                     ("spaced orders", p => p.Spaced, 1.0),
                 })
        {
            var ours = Phase(subject, clients, pick);
            var naive = Phase(others.FirstOrDefault(s => s.Name == Baseline), clients, pick);
            if (ours is null)
            {
                continue;
            }

            if (naive is not null)
            {
                var ratio = ours.EventsPerSecond / naive.EventsPerSecond;
                rows.Add(($"{label}: at least {minimumRatio:0.#}× the naive recipe's events/s", $"{ours.EventsPerSecond:N0} vs {naive.EventsPerSecond:N0} = {ratio:F2}×", ratio >= minimumRatio));
            }

            var rivals = others.Where(s => s.Name != Baseline)
                .Select(s => (s.Name, Phase: Phase(s, clients, pick)))
                .Where(r => r.Phase is not null)
                .ToList();
            if (rivals.Count > 0)
            {
                var best = rivals.MaxBy(r => r.Phase!.EventsPerSecond);
                rows.Add(($"{label}: ahead of {string.Join(" and ", rivals.Select(r => r.Name))}", $"{ours.EventsPerSecond:N0} vs best {best.Name} {best.Phase!.EventsPerSecond:N0} = {ours.EventsPerSecond / best.Phase.EventsPerSecond:F2}×", ours.EventsPerSecond > best.Phase.EventsPerSecond));
            }

            var field = others.Select(s => (s.Name, Phase: Phase(s, clients, pick))).Where(r => r.Phase is not null).ToList();
            if (field.Count > 0)
            {
                var lowest = field.MinBy(r => r.Phase!.P99Ms);
                rows.Add(($"{label}: p99 latency no worse than the best competitor", $"{ours.P99Ms:F0} ms vs {lowest.Name} {lowest.Phase!.P99Ms:F0} ms", ours.P99Ms <= lowest.Phase.P99Ms));
            }
        }

        foreach (var memory in subject.Memory.Where(m => m.Connected > 0))
        {
            // A run of CleanSse alone has no competitor to compare with.
            var measured = others
                .SelectMany(s => s.Memory.Where(m => m.Mode == memory.Mode && m.Connected > 0).Select(m => (s.Name, Memory: m)))
                .ToList();
            if (measured.Count > 0)
            {
                var leanest = measured.MinBy(m => m.Memory.BytesPerConnection);
                var over = (memory.BytesPerConnection - leanest.Memory.BytesPerConnection) / 1024;
                rows.Add(($"memory per idle connection ({memory.Connected:N0}, {memory.Mode.ToString().ToLowerInvariant()} arrival, worse of early and late): within 1 KiB of the leanest competitor", $"{memory.BytesPerConnection / 1024:F2} KiB vs {leanest.Name} {leanest.Memory.BytesPerConnection / 1024:F2} KiB = {over:+0.00;-0.00} KiB", over <= 1.0));
            }
        }

        Line(text, $"### Targets ({clients:N0} clients unless said otherwise)");
        text.AppendLine();
        text.AppendLine("| target | measured | verdict |");
        text.AppendLine("|---|---|---|");
        foreach (var (target, measured, met) in rows)
        {
            Line(text, $"| {target} | {measured} | {(met switch { true => "met", false => "**missed**", null => "n/a" })} |");
        }

        text.AppendLine();
    }

    private static PhaseResult? Phase(ServerResult? server, int clients, Func<FanoutPoint, PhaseResult?> pick) =>
        server?.Fanout.FirstOrDefault(p => p.Clients == clients) is { } point ? pick(point) : null;

    private static void Line(StringBuilder text, FormattableString line) => text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
