namespace CleanSse.Bench;

/// <summary>One measured phase: events delivered to every client, their rate, publish-to-receive latency, failures.</summary>
public sealed record PhaseResult(
    string Name,
    int Clients,
    int OrdersSent,
    int OrdersAccepted,
    int PostFailures,
    long Expected,
    long Delivered,
    double Seconds,
    double EventsPerSecond,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double PostP99Ms,
    double PublishSeconds,
    long ClientsDropped,
    double ServerCpuSeconds,
    double BenchCpuSeconds,
    string? FirstError)
{
    /// <summary>Server CPU time per delivered event: what the work costs, whatever else runs on the machine.</summary>
    public double ServerCpuMicrosPerEvent => Delivered == 0 ? double.NaN : ServerCpuSeconds * 1e6 / Delivered;

    public double DeliveredRatio => Expected == 0 ? 0 : (double)Delivered / Expected;
}

public sealed record FanoutPoint(int Clients, int Connected, PhaseResult? Burst, PhaseResult? Spaced, PhaseResult? ParallelBurst);

/// <summary>How idle clients arrive for the memory figure.</summary>
public enum ConnectMode
{
    /// <summary>At most <c>--connect-parallel</c> connection attempts in flight at once.</summary>
    Paced,

    /// <summary>Every client at once, as fast as the machine allows.</summary>
    Storm,
}

/// <summary>
/// Server VmRSS with idle clients: <see cref="EarlyKiB"/> a few seconds after the last one connected, and
/// <see cref="LateKiB"/> after heartbeats and the collector have had their turn.
/// </summary>
public sealed record MemoryResult(ConnectMode Mode, int Clients, int Connected, double ConnectSeconds, long BaselineKiB, long EarlyKiB, long LateKiB)
{
    public double BytesPerConnectionEarly => PerConnection(EarlyKiB);

    public double BytesPerConnectionLate => PerConnection(LateKiB);

    /// <summary>The larger of the two readings: what the target is judged on.</summary>
    public double BytesPerConnection => Math.Max(BytesPerConnectionEarly, BytesPerConnectionLate);

    private double PerConnection(long loadedKiB) => Connected == 0 ? double.NaN : (loadedKiB - BaselineKiB) * 1024.0 / Connected;
}

public sealed record SlowConsumerResult(
    int Clients,
    PhaseResult Phase,
    long RssBeforeKiB,
    long RssPeakKiB,
    long RssAfterKiB,
    bool StalledClientCutOff);

/// <summary>
/// The signed-in case: customer streams (and staff streams, if any) receiving orders placed by the customers, with
/// what each stream received that it should not have, or twice, or never.
/// </summary>
public sealed record AudienceResult(
    int Customers,
    int CustomerStreams,
    int StaffStreams,
    int Connected,
    double SignUpSeconds,
    PhaseResult Phase,
    long Foreign,
    long Duplicates,
    int StreamsMissing,
    IReadOnlyList<string> Violations);

public sealed class ServerResult(string name)
{
    public string Name { get; } = name;

    public string? LoadBefore { get; set; }

    public string? LoadAfter { get; set; }

    public List<MemoryResult> Memory { get; } = [];

    public List<FanoutPoint> Fanout { get; } = [];

    public SlowConsumerResult? SlowConsumer { get; set; }

    public AudienceResult? Audience { get; set; }

    /// <summary>Whether the server signs users in (identity); an earlier build or a competitor does not.</summary>
    public bool SignsIn { get; set; }

    public List<string> Errors { get; } = [];
}

public sealed record RedisResult(
    int Clients,
    int Instances,
    double XaddCeilingPerSecond,
    string? XaddOutput,
    PhaseResult? Burst,
    PhaseResult? Spaced,
    List<string> Errors);

public sealed record MachineInfo(
    string Cpu,
    int Cores,
    long MemoryMiB,
    string Dotnet,
    string Os,
    string LoadAtStart,
    string? LoadAtEnd);

public sealed class BenchReport
{
    public required MachineInfo Machine { get; set; }

    public required BenchOptions Settings { get; init; }

    public DateTimeOffset Started { get; init; }

    public double DurationSeconds { get; set; }

    public List<ServerResult> Servers { get; } = [];

    public RedisResult? Redis { get; set; }

    public ManyStreamsResult? ManyStreams { get; set; }
}
