namespace CleanSse.Infrastructure.Realtime.Connections;

internal enum ConnectionRefusal
{
    None,

    /// <summary>The process holds as many streams as it accepts (503).</summary>
    ServerFull,

    /// <summary>This client address holds as many streams as one address may (429).</summary>
    TooManyFromAddress,

    /// <summary>The process is stopping: the client is told to retry, which sends it to another instance or back here.</summary>
    ShuttingDown,
}
