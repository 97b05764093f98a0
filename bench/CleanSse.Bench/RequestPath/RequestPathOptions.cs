using System.Globalization;

namespace CleanSse.Bench.RequestPath;

/// <summary>Settings of the request-path bench; the defaults make one full run take about eight minutes on two cores.</summary>
public sealed class RequestPathOptions
{
    public IReadOnlyList<string> Servers { get; private set; } = ["baseline", "sqlite", "postgres"];

    public IReadOnlyList<int> Callers { get; private set; } = [1, 8, 32, 128];

    public IReadOnlyList<string> Operations { get; private set; } = ["post", "get", "list", "patch", "health"];

    /// <summary>Measured seconds of each cell (one request kind at one number of callers).</summary>
    public double Seconds { get; private set; } = 2;

    /// <summary>
    /// How many times each cell is measured on every server, the servers taking turns each time. A cell reports the
    /// median of its rounds, and its ratio the median of the rounds' ratios: on a shared machine a single two-second
    /// cell of the baseline moves by a third from one minute to the next, and one such cell decided a whole run.
    /// </summary>
    public int Rounds { get; private set; } = 3;

    /// <summary>Seconds each cell runs before it is measured.</summary>
    public double WarmUpSeconds { get; private set; } = 0.5;

    /// <summary>Orders posted one at a time right after start, each timed to its event on an open stream.</summary>
    public int FirstOrders { get; private set; } = 5;

    public string? Postgres { get; private set; } = Environment.GetEnvironmentVariable("CLEANSSE_TEST_POSTGRES");

    public string Output { get; private set; } = Path.Combine("artifacts", "bench-requests");

    public static RequestPathOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RequestPathOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help" || i + 1 >= args.Count)
            {
                throw new ArgumentException(Usage);
            }

            var value = args[++i];
            switch (name)
            {
                case "--servers": options.Servers = List(value); break;
                case "--callers": options.Callers = [.. value.Split(',').Select(v => int.Parse(v.Trim(), CultureInfo.InvariantCulture))]; break;
                case "--ops": options.Operations = List(value); break;
                case "--seconds": options.Seconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--rounds": options.Rounds = Math.Max(1, int.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--warmup": options.WarmUpSeconds = double.Parse(value, CultureInfo.InvariantCulture); break;
                case "--first-orders": options.FirstOrders = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--postgres": options.Postgres = value; break;
                case "--out": options.Output = value; break;
                default: throw new ArgumentException($"Unknown option {name}.\n{Usage}");
            }
        }

        return options;
    }

    public const string Usage = """
        dotnet run -c Release --project bench/CleanSse.Bench -- requests [options]
          --servers baseline,sqlite,postgres   the in-memory baseline, CleanSse on SQLite (/dev/shm), on PostgreSQL
          --callers 1,8,32,128                 concurrent callers, each on its own keep-alive connection
          --ops post,get,list,patch,health     request kinds
          --seconds 2 --warmup 0.5             measured and warm-up seconds of each cell
          --rounds 3                           measurements of each cell per server, taking turns; medians reported
          --first-orders 5                     orders right after start, timed from POST to the event on an open stream
          --postgres CONNECTION                PostgreSQL server (default: CLEANSSE_TEST_POSTGRES; a database is made and dropped)
          --out artifacts/bench-requests       results.md, results.json
        """;

    private static string[] List(string value) => [.. value.Split(',').Select(s => s.Trim().ToLowerInvariant())];
}
