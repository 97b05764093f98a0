using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CleanSse.Infrastructure.Persistence;

/// <summary>
/// Whether the orders database answers: one query on a pooled connection. Load balancers poll every instance about
/// once a second each; EF Core's own check opened a new SQLite file handle for every poll, hundreds of microseconds.
/// </summary>
internal sealed class OrdersDatabaseHealthCheck(OrdersDatabaseProbe probe) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        probe.CheckAsync().WaitAsync(cancellationToken);
}

/// <summary>One probe of the database at a time: polls that arrive while one runs get its answer.</summary>
internal sealed class OrdersDatabaseProbe(IServiceScopeFactory scopes)
{
    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _running;

    public Task<HealthCheckResult> CheckAsync()
    {
        lock (_lock)
        {
            if (_running is { IsCompleted: false })
            {
                return _running;
            }

            _running = ProbeAsync();
            return _running;
        }
    }

    // Shared by every poll that comes while it runs, so no one poll's cancellation ends it.
    private async Task<HealthCheckResult> ProbeAsync()
    {
        await Task.Yield();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
            await db.Database.ExecuteSqlRawAsync("SELECT 1");
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy("The orders database does not answer.", exception);
        }
    }
}
