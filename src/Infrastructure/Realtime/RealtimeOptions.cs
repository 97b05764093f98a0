using System.ComponentModel.DataAnnotations;

namespace CleanSse.Infrastructure.Realtime;

/// <summary>Bounds and timings of the event streams (section <c>Realtime</c>).</summary>
internal sealed class RealtimeOptions
{
    public const string SectionName = "Realtime";

    /// <summary>The longest a stream stays silent: idle streams get a comment line at least this often.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Events a client may have waiting to be written before it counts as stalled and is disconnected.</summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedEvents { get; set; } = 1024;

    /// <summary>Bytes a client may have waiting to be written before it counts as stalled and is disconnected.</summary>
    [Range(1024, 1L << 32)]
    public long MaxQueuedBytes { get; set; } = 1024 * 1024;

    /// <summary>Open streams the process accepts in all; past it a new stream gets 503.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnections { get; set; } = 20_000;

    /// <summary>Open streams accepted from one client address; past it a new stream gets 429.</summary>
    [Range(1, 1_000_000)]
    public int MaxConnectionsPerAddress { get; set; } = 200;

    /// <summary>The reconnection delay sent to every client when the service shuts down.</summary>
    public TimeSpan ShutdownRetry { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events read from the log per round trip while a client catches up.</summary>
    [Range(1, 100_000)]
    public int ReplayBatchSize { get; set; } = 256;

    /// <summary>Bytes written to a socket before one flush; bounds what a burst costs in the transport's buffers.</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxBytesPerFlush { get; set; } = 64 * 1024;

    /// <summary>
    /// Taken off the time a reset's <c>changedSince</c> is read from (the time in the client's last id): it covers the
    /// clocks of Redis and of the instances disagreeing, and an event logged a little after it was committed.
    /// </summary>
    public TimeSpan ChangedSinceMargin { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Writer loops shared by all streams; one per core keeps every core writing during a burst.</summary>
    [Range(1, 256)]
    public int Writers { get; set; } = Environment.ProcessorCount;
}
