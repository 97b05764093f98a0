namespace CleanSse.Client;

/// <summary>What <c>services.AddCleanSseClient(...)</c> configures.</summary>
public sealed class CleanSseClientOptions
{
    /// <summary>The service's root address, e.g. <c>http://localhost:5000/</c>. Required.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>The stream's path under <see cref="BaseAddress"/>.</summary>
    public string EventsPath { get; set; } = "api/events";

    /// <summary>A fixed access token, used when <see cref="AccessTokenProvider"/> is null and no <see cref="IAccessTokenProvider"/> is registered.</summary>
    public string? AccessToken { get; set; }

    /// <summary>
    /// Gets the access token for each request and connection attempt, from the application's services (e.g. a token
    /// cache that refreshes it). Used when no <see cref="IAccessTokenProvider"/> is registered.
    /// </summary>
    public Func<IServiceProvider, CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; set; }

    /// <summary>How long a REST request may take. The stream has no such limit; its <see cref="SseClientOptions.IdleTimeout"/> watches it instead.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How long a pooled connection is reused before a new one is opened, so a change of DNS or of instances behind a
    /// load balancer is followed. An open stream is not cut by it.
    /// </summary>
    public TimeSpan PooledConnectionLifetime { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How the stream reconnects. Its <see cref="SseClientOptions.AccessTokenProvider"/> is replaced by the registered
    /// token provider. The default drops a connection that sends no byte (not even a heartbeat) for 75 seconds.
    /// </summary>
    public SseClientOptions Stream { get; set; } = new() { IdleTimeout = TimeSpan.FromSeconds(75) };
}
