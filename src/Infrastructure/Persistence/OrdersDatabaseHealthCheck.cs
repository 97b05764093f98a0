using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CleanSse.Infrastructure.Persistence;

/// <summary>
/// Whether the orders database answers. Load balancers poll every instance about once a second each, so the database
/// is asked at most once per <see cref="OrdersDatabaseProbe.Interval"/> and every poll in between gets that answer;
/// EF Core's own check opened a new SQLite file handle for every poll.
/// </summary>
internal sealed class OrdersDatabaseHealthCheck(OrdersDatabaseProbe probe) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        probe.CheckAsync().WaitAsync(cancellationToken);
}

/// <summary>One probe of the database at a time, its answer shared by every poll until it is an interval old.</summary>
internal sealed class OrdersDatabaseProbe(IServiceScopeFactory scopes, TimeProvider clock)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private Task<HealthCheckResult>? _last;
    private long _lastStarted;

    public Task<HealthCheckResult> CheckAsync()
    {
        lock (_lock)
        {
            var now = clock.GetTimestamp();
            if (_last is not null && (!_last.IsCompleted || clock.GetElapsedTime(_lastStarted, now) < Interval))
            {
                return _last;
            }

            _lastStarted = now;
            _last = ProbeAsync();
            return _last;
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
