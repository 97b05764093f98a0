using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CleanSse.Bench;

/// <summary>Writes the results three ways: Markdown tables (also printed), JSON, and an SVG chart of the fan-out.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    private static readonly Dictionary<string, string> Colors = new(StringComparer.Ordinal)
    {
        ["naive"] = "#9e9e9e",
        ["builtin"] = "#1f77b4",
        ["signalr"] = "#ff7f0e",
        ["cleansse"] = "#2ca02c",
        ["baseline"] = "#98df8a",
    };

    public static string ToJson(BenchReport report) => JsonSerializer.Serialize(report, Json);

    public static string Markdown(BenchReport report)
    {
        var text = new StringBuilder();
        var machine = report.Machine;
        var settings = report.Settings;
        Line(text, $"Machine: {machine.Cpu}, {machine.Cores} cores, {machine.MemoryMiB / 1024.0:F1} GiB, .NET SDK {machine.Dotnet}, {machine.Os}.");
        Line(text, $"Load average (1, 5, 15 min) at start: {machine.LoadAtStart}; at end: {machine.LoadAtEnd}. Run took {report.DurationSeconds / 60:F1} min.");
        text.AppendLine();

        Targets.Write(text, report);
        FanoutTable(text, report, $"Fan-out, bursts of {settings.Burst} orders ({settings.Publishers} POSTer{(settings.Publishers == 1 ? "" : "s")}, back to back)", point => point.Burst);
        FanoutTable(text, report, $"Fan-out, {settings.Spaced} single orders {settings.IntervalMs} ms apart", point => point.Spaced);
        FanoutTable(text, report, $"Fan-out, bursts of {settings.Burst} orders from {settings.ParallelPublishers} parallel POSTers", point => point.ParallelBurst);

        if (report.Servers.Any(server => server.Memory.Count > 0))
        {
            Line(text, $"### Memory, {settings.MemoryClients:N0} idle connections (server VmRSS, {settings.MemoryEarlySeconds} s and {settings.MemoryLateSeconds} s after the last one connected)");
            text.AppendLine();
            text.AppendLine($"| server | arrival | connected | connect time | RSS before | RSS +{settings.MemoryEarlySeconds} s | RSS +{settings.MemoryLateSeconds} s | per connection +{settings.MemoryEarlySeconds} s | per connection +{settings.MemoryLateSeconds} s | worse of the two vs leanest |");
            text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var mode in settings.MemoryModes)
            {
                var measured = report.Servers.SelectMany(s => s.Memory.Where(m => m.Mode == mode && m.Connected > 0).Select(m => (s.Name, Memory: m))).ToList();
                if (measured.Count == 0)
                {
                    continue;
                }

                var leanest = measured.Min(m => m.Memory.BytesPerConnection);
                foreach (var (name, memory) in measured)
                {
                    Line(text, $"| {name} | {mode.ToString().ToLowerInvariant()} | {memory.Connected:N0} | {memory.ConnectSeconds:F1} s | {memory.BaselineKiB / 1024.0:F1} MiB | {memory.EarlyKiB / 1024.0:F1} MiB | {memory.LateKiB / 1024.0:F1} MiB | {memory.BytesPerConnectionEarly / 1024:F2} KiB | {memory.BytesPerConnectionLate / 1024:F2} KiB | {(memory.BytesPerConnection - leanest) / 1024:+0.00;-0.00;0.00} KiB |");
                }
            }

            text.AppendLine();
        }

        if (report.Servers.Any(server => server.SlowConsumer is not null))
        {
            Line(text, $"### Slow consumer: {settings.SlowClients:N0} clients, one stalled; {settings.SlowOrders:N0} orders at {settings.SlowRate}/s, each with {settings.SlowItems} items and a 400-character note");
            text.AppendLine();
            text.AppendLine("| server | delivered to the others | p50 | p99 | max | POST p99 | POST failures | RSS before → peak | growth | stalled client cut off |");
            text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
            foreach (var server in report.Servers.Where(s => s.SlowConsumer is not null))
            {
                var slow = server.SlowConsumer!;
                var phase = slow.Phase;
                Line(text, $"| {server.Name} | {phase.DeliveredRatio * 100:F1} % | {Ms(phase.P50Ms)} | {Ms(phase.P99Ms)} | {Ms(phase.MaxMs)} | {Ms(phase.PostP99Ms)} | {phase.PostFailures} | {slow.RssBeforeKiB / 1024.0:F0} → {slow.RssPeakKiB / 1024.0:F0} MiB | {(slow.RssPeakKiB - slow.RssBeforeKiB) / 1024.0:F0} MiB | {(slow.StalledClientCutOff ? "yes" : "no")} |");
            }

            text.AppendLine();
        }

        Audience(text, report);

        if (report.Redis is { } redis)
        {
            Line(text, $"### CleanSse on Redis: {redis.Clients:N0} clients over {redis.Instances} instances");
            text.AppendLine();
            Line(text, $"Ceiling: `redis-benchmark -n 100000 -q XADD <key> '*' f v` → {redis.XaddCeilingPerSecond:N0} XADD/s.");
            text.AppendLine();
            text.AppendLine("| log | case | clients | delivered | events/s | orders/s published | p50 | p99 | max |");
            text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
            var memoryRow = report.Servers.FirstOrDefault(s => s.Name == "cleansse")?.Fanout.FirstOrDefault(p => p.Clients == redis.Clients);
            foreach (var (log, phase) in new[] { ("redis", redis.Burst), ("in-memory", memoryRow?.Burst), ("redis", redis.Spaced), ("in-memory", memoryRow?.Spaced) })
            {
                if (phase is not null)
                {
                    Line(text, $"| {log} | {phase.Name} | {phase.Clients:N0} | {phase.DeliveredRatio * 100:F1} % | {phase.EventsPerSecond:N0} | {phase.OrdersAccepted / Math.Max(phase.PublishSeconds, 1e-9):N0} | {Ms(phase.P50Ms)} | {Ms(phase.P99Ms)} | {Ms(phase.MaxMs)} |");
                }
            }

            text.AppendLine();
        }

        if (report.ManyStreams is { } many)
        {
            Line(text, $"### CleanSse, {many.Wanted:N0} idle streams on one instance (cleartext HTTP/2, {many.StreamsPerConnection:N0} streams per connection)");
            text.AppendLine();
            text.AppendLine("| streams open | connect time | RSS before → with streams | per stream | burst | delivered | duplicates | streams incomplete | events/s | p50 | p99 | max |");
            text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            Line(text, $"| {many.Connected:N0} | {many.ConnectSeconds:F1} s | {many.BaselineKiB / 1024.0:F0} → {many.LoadedKiB / 1024.0:F0} MiB | {many.BytesPerStream / 1024:F2} KiB | {many.Accepted}/{many.Orders} orders | {many.Delivered:N0}/{many.Expected:N0} | {many.Duplicates} | {many.StreamsIncomplete} | {many.EventsPerSecond:N0} | {Ms(many.P50Ms)} | {Ms(many.P99Ms)} | {Ms(many.MaxMs)} |");
            foreach (var error in many.Errors.Take(5))
            {
                Line(text, $"- {error}");
            }

            text.AppendLine();
        }

        var failures = report.Servers.Where(s => s.Errors.Count > 0).ToList();
        if (failures.Count > 0 || report.Redis?.Errors.Count > 0)
        {
            text.AppendLine("### Errors reported");
            text.AppendLine();
            foreach (var server in failures)
            {
                foreach (var error in server.Errors.Distinct().Take(10))
                {
                    Line(text, $"- {server.Name}: {error}");
                }
            }

            foreach (var error in report.Redis?.Errors.Distinct().Take(10) ?? [])
            {
                Line(text, $"- redis: {error}");
            }

            text.AppendLine();
        }

        return text.ToString();
    }

    public static string Svg(BenchReport report)
    {
        const int panelWidth = 420;
        const int panelHeight = 300;
        const int left = 70;
        const int top = 50;
        const int gap = 90;
        var width = left + (2 * panelWidth) + gap + 30;
        var height = top + panelHeight + 110;
        var svg = new StringBuilder();
        Append(svg, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="12">""");
        Append(svg, $"""<rect width="{width}" height="{height}" fill="white"/>""");
        Append(svg, $"""<text x="{left}" y="22" font-size="15" font-weight="bold">Delivered events per second against connected clients</text>""");
        Append(svg, $"""<text x="{left}" y="38" fill="#555">{Escape($"{report.Machine.Cpu}, {report.Machine.Cores} cores; load average at start {report.Machine.LoadAtStart}")}</text>""");

        var panels = new (string Title, Func<FanoutPoint, PhaseResult?> Phase)[]
        {
            ($"bursts of {report.Settings.Burst} orders", point => point.Burst),
            ($"single orders every {report.Settings.IntervalMs} ms", point => point.Spaced),
        };
        var clientCounts = report.Servers.SelectMany(s => s.Fanout).Select(p => p.Clients).Distinct().Order().ToList();
        for (var p = 0; p < panels.Length; p++)
        {
            var x0 = left + (p * (panelWidth + gap));
            var (title, select) = panels[p];
            var values = report.Servers.SelectMany(s => s.Fanout).Select(select).Where(r => r is not null).Select(r => r!.EventsPerSecond).ToList();
            var yMax = NiceCeiling(values.Count == 0 ? 1 : values.Max() * 1.1);
            var maxClients = clientCounts.Count == 0 ? 1 : clientCounts.Max();
            double X(int clients) => x0 + (panelWidth * (double)clients / maxClients);
            double Y(double value) => top + panelHeight - (panelHeight * value / yMax);

            Append(svg, $"""<text x="{x0 + (panelWidth / 2)}" y="{top - 6}" text-anchor="middle" font-weight="bold">{Escape(title)}</text>""");
            Append(svg, $"""<rect x="{x0}" y="{top}" width="{panelWidth}" height="{panelHeight}" fill="none" stroke="#333"/>""");
            for (var tick = 0; tick <= 5; tick++)
            {
                var value = yMax * tick / 5;
                var y = Y(value);
                Append(svg, $"""<line x1="{x0}" y1="{y:F1}" x2="{x0 + panelWidth}" y2="{y:F1}" stroke="#ddd"/>""");
                Append(svg, $"""<text x="{x0 - 6}" y="{y + 4:F1}" text-anchor="end">{Compact(value)}</text>""");
            }

            foreach (var clients in clientCounts)
            {
                Append(svg, $"""<text x="{X(clients):F1}" y="{top + panelHeight + 16}" text-anchor="middle">{clients:N0}</text>""");
            }

            Append(svg, $"""<text x="{x0 + (panelWidth / 2)}" y="{top + panelHeight + 34}" text-anchor="middle">clients</text>""");
            Append(svg, $"""<text transform="translate({x0 - 52},{top + (panelHeight / 2)}) rotate(-90)" text-anchor="middle">events/s</text>""");

            foreach (var server in report.Servers)
            {
                var color = Colors.GetValueOrDefault(server.Name, "#000");
                var points = server.Fanout.Where(point => select(point) is not null)
                    .Select(point => (X: X(point.Clients), Y: Y(select(point)!.EventsPerSecond))).ToList();
                if (points.Count == 0)
                {
                    continue;
                }

                var path = string.Join(' ', points.Select(pt => string.Create(CultureInfo.InvariantCulture, $"{pt.X:F1},{pt.Y:F1}")));
                var widthStroke = server.Name == "cleansse" ? 3 : 2;
                Append(svg, $"""<polyline points="{path}" fill="none" stroke="{color}" stroke-width="{widthStroke}"/>""");
                foreach (var (x, y) in points)
                {
                    Append(svg, $"""<circle cx="{x:F1}" cy="{y:F1}" r="3.5" fill="{color}"/>""");
                }
            }
        }

        var legendX = left;
        var legendY = top + panelHeight + 62;
        foreach (var server in report.Servers)
        {
            var color = Colors.GetValueOrDefault(server.Name, "#000");
            Append(svg, $"""<line x1="{legendX}" y1="{legendY}" x2="{legendX + 24}" y2="{legendY}" stroke="{color}" stroke-width="3"/>""");
            Append(svg, $"""<text x="{legendX + 30}" y="{legendY + 4}">{Escape(Label(server.Name))}</text>""");
            legendX += 190;
        }

        Append(svg, $"""<text x="{left}" y="{legendY + 30}" fill="#555">{Escape("Clients and servers on the same machine over loopback; higher is better. Measured by bench/CleanSse.Bench.")}</text>""");
        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    public static string Label(string server) => server switch
    {
        "naive" => "naive (awaited loop)",
        "builtin" => "built-in ServerSentEvents",
        "signalr" => "SignalR (WebSockets)",
        "cleansse" => "CleanSse",
        "baseline" => "CleanSse (baseline build)",
        _ => server,
    };

    private static void FanoutTable(StringBuilder text, BenchReport report, string title, Func<FanoutPoint, PhaseResult?> select)
    {
        if (!report.Servers.Any(s => s.Fanout.Any(p => select(p) is not null)))
        {
            return;
        }

        Line(text, $"### {title}");
        text.AppendLine();
        text.AppendLine("| clients | server | delivered | events/s | × naive | p50 | p99 | max | server CPU/event | × naive | POST p99 | POST failures | dropped |");
        text.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        var counts = report.Servers.SelectMany(s => s.Fanout).Select(p => p.Clients).Distinct().Order();
        foreach (var clients in counts)
        {
            var naive = report.Servers.FirstOrDefault(s => s.Name == "naive")?.Fanout.FirstOrDefault(p => p.Clients == clients);
            var naiveRate = naive is null ? null : select(naive)?.EventsPerSecond;
            var naiveCpu = naive is null ? null : select(naive)?.ServerCpuMicrosPerEvent;
            foreach (var server in report.Servers)
            {
                var point = server.Fanout.FirstOrDefault(p => p.Clients == clients);
                if (point is null || select(point) is not { } phase)
                {
                    continue;
                }

                var ratio = naiveRate is > 0 ? (phase.EventsPerSecond / naiveRate.Value).ToString("F2", CultureInfo.InvariantCulture) + "×" : "–";
                var cpuRatio = naiveCpu is > 0 ? (phase.ServerCpuMicrosPerEvent / naiveCpu.Value).ToString("F2", CultureInfo.InvariantCulture) + "×" : "–";
                Line(text, $"| {point.Connected:N0} | {server.Name} | {phase.DeliveredRatio * 100:F1} % | {phase.EventsPerSecond:N0} | {ratio} | {Ms(phase.P50Ms)} | {Ms(phase.P99Ms)} | {Ms(phase.MaxMs)} | {phase.ServerCpuMicrosPerEvent:F2} µs | {cpuRatio} | {Ms(phase.PostP99Ms)} | {phase.PostFailures} | {phase.ClientsDropped} |");
            }
        }

        text.AppendLine();
    }

    /// <summary>
    /// The signed-in case beside the same server's staff-only fan-out at the same stream count (every event to everyone),
    /// and beside the earlier build's (no sign-in at all) when it ran.
    /// </summary>
    private static void Audience(StringBuilder text, BenchReport report)
    {
        var servers = report.Servers.Where(s => s.Audience is not null).ToList();
        if (servers.Count == 0)
        {
            return;
        }

        var settings = report.Settings;
        Line(text, $"### Signed-in streams: {settings.AudienceClients:N0} customer streams over {settings.Customers:N0} customers ({settings.AudienceClients / settings.Customers} each), {settings.AudienceStaff:N0} staff streams; {settings.OrdersPerCustomer} order{(settings.OrdersPerCustomer == 1 ? "" : "s")} per customer, {settings.AudiencePublishers} customers posting at once");
        text.AppendLine();
        text.AppendLine("| server | streams | orders | delivered | events/s | p50 | p99 | max | server CPU/event | POST p99 | POST failures | events received in all | other customers' orders received | duplicates | streams missing an order | sign-up of the customers |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var server in servers)
        {
            var audience = server.Audience!;
            var phase = audience.Phase;
            Line(text, $"| {server.Name} | {audience.Connected:N0} | {phase.OrdersAccepted:N0} | {phase.Delivered:N0} of {phase.Expected:N0} | {phase.EventsPerSecond:N0} | {Ms(phase.P50Ms)} | {Ms(phase.P99Ms)} | {Ms(phase.MaxMs)} | {phase.ServerCpuMicrosPerEvent:F2} µs | {Ms(phase.PostP99Ms)} | {phase.PostFailures} | {phase.Delivered + audience.Foreign + audience.Duplicates:N0} | {audience.Foreign:N0} | {audience.Duplicates:N0} | {audience.StreamsMissing:N0} | {audience.SignUpSeconds:F0} s |");
        }

        text.AppendLine();
        var clients = settings.AudienceClients + settings.AudienceStaff;
        var unfiltered = report.Servers.FirstOrDefault(s => !s.SignsIn && s.Name == "baseline")?.Fanout.FirstOrDefault(p => p.Clients == clients)?.Burst;
        Line(text, $"Against every event to every stream ({clients:N0} streams, bursts of {settings.Burst} orders from one POSTer):");
        text.AppendLine();
        text.AppendLine("| server | case | delivered events/s | server CPU/event | p99 | × staff-only events/s | × staff-only CPU/event | × unfiltered events/s | × unfiltered CPU/event |");
        text.AppendLine("|---|---|---:|---:|---:|---:|---:|---:|---:|");
        if (unfiltered is not null)
        {
            Line(text, $"| baseline | unfiltered (no sign-in) | {unfiltered.EventsPerSecond:N0} | {unfiltered.ServerCpuMicrosPerEvent:F2} µs | {Ms(unfiltered.P99Ms)} | – | – | 1.00× | 1.00× |");
        }

        foreach (var server in servers)
        {
            var staff = server.Fanout.FirstOrDefault(p => p.Clients == clients)?.Burst;
            var signedIn = server.Audience!.Phase;
            foreach (var (label, phase) in new[] { ("staff-only", staff), ("customers", signedIn) })
            {
                if (phase is not null)
                {
                    Line(text, $"| {server.Name} | {label} | {phase.EventsPerSecond:N0} | {phase.ServerCpuMicrosPerEvent:F2} µs | {Ms(phase.P99Ms)} | {Ratio(phase.EventsPerSecond, staff?.EventsPerSecond)} | {Ratio(phase.ServerCpuMicrosPerEvent, staff?.ServerCpuMicrosPerEvent)} | {Ratio(phase.EventsPerSecond, unfiltered?.EventsPerSecond)} | {Ratio(phase.ServerCpuMicrosPerEvent, unfiltered?.ServerCpuMicrosPerEvent)} |");
                }
            }
        }

        text.AppendLine();
        foreach (var server in servers.Where(s => s.Audience!.Violations.Count > 0))
        {
            Line(text, $"First violations on {server.Name}:");
            text.AppendLine();
            foreach (var violation in server.Audience!.Violations)
            {
                Line(text, $"- {violation}");
            }

            text.AppendLine();
        }
    }

    // Two significant digits for small ratios: a filtered case can deliver a thousandth of a broadcast's events.
    private static string Ratio(double value, double? reference)
    {
        if (reference is not > 0 || double.IsNaN(value))
        {
            return "–";
        }

        var ratio = value / reference.Value;
        return ratio.ToString(ratio < 0.1 ? "G2" : "F2", CultureInfo.InvariantCulture) + "×";
    }

    private static string Ms(double value) =>
        double.IsNaN(value) ? "–" : value.ToString(value < 10 ? "F2" : value < 100 ? "F1" : "F0", CultureInfo.InvariantCulture) + " ms";

    private static string Compact(double value) => value switch
    {
        >= 1_000_000 => (value / 1_000_000).ToString("0.#", CultureInfo.InvariantCulture) + "M",
        >= 1_000 => (value / 1_000).ToString("0.#", CultureInfo.InvariantCulture) + "k",
        _ => value.ToString("0", CultureInfo.InvariantCulture),
    };

    private static double NiceCeiling(double value)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(value)));
        foreach (var step in new[] { 1, 2, 2.5, 5, 10 })
        {
            if (step * magnitude >= value)
            {
                return step * magnitude;
            }
        }

        return 10 * magnitude;
    }

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static void Line(StringBuilder text, FormattableString line) =>
        text.AppendLine(line.ToString(CultureInfo.InvariantCulture));

    private static void Append(StringBuilder text, FormattableString line) =>
        text.AppendLine(line.ToString(CultureInfo.InvariantCulture));
}
