using System.Net;

namespace CleanSse.Client;

/// <summary>Told before the client waits to reconnect.</summary>
/// <param name="Attempt">The number of the connection attempt about to be made, counting from 1 for the first one.</param>
/// <param name="Delay">How long the client waits before that attempt.</param>
/// <param name="FailedAttempts">Attempts in a row that failed, the one just ended included; 0 after a connection that worked.</param>
/// <param name="Error">Why the previous connection ended; null when the server closed it cleanly.</param>
/// <param name="StatusCode">The status of a 429 or 503 answer that is being retried.</param>
public sealed record SseReconnecting(int Attempt, TimeSpan Delay, int FailedAttempts, Exception? Error, HttpStatusCode? StatusCode);
