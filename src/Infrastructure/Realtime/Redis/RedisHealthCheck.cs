using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CleanSse.Infrastructure.Realtime.Redis;

/// <summary>
/// Failing while Redis does not answer: streams cannot be fed, though orders are still taken. The registration's
/// failure status says how much that matters (degraded: the outbox carries the events until Redis is back).
/// </summary>
internal sealed class RedisHealthCheck(RedisConnections connections) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (!connections.IsConnected)
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "Redis is not connected; events wait in the outbox.");
            }

            var db = await connections.CommandsAsync(cancellationToken);
            var latency = await db.PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "Redis does not answer; events wait in the outbox.", exception);
        }
    }
}
