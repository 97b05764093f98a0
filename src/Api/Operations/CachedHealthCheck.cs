using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CleanSse.Api.Operations;

/// <summary>
/// A health check whose result is reused for <see cref="HealthOptions.CacheDuration"/>: probes in that time share one
/// run (also while it is under way). A run that failed with an exception or was cancelled is not reused.
/// </summary>
public sealed class CachedHealthCheck(Func<IHealthCheck> create, CachedHealthCheck.Result cache) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        cache.GetOrRun(() => create().CheckHealthAsync(context, cancellationToken));

    /// <summary>Wraps every registered check, so each keeps one result of its own.</summary>
    public static void CacheEvery(HealthCheckServiceOptions options, TimeProvider time, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (duration <= TimeSpan.Zero)
        {
            return;
        }

        foreach (var registration in options.Registrations)
        {
            var inner = registration.Factory;
            var cache = new Result(time, duration);
            registration.Factory = services => new CachedHealthCheck(() => inner(services), cache);
        }
    }

    /// <summary>The last run of one check and when it started.</summary>
    public sealed class Result(TimeProvider time, TimeSpan duration)
    {
        private readonly Lock _gate = new();
        private Task<HealthCheckResult>? _last;
        private long _startedAt;

        public Task<HealthCheckResult> GetOrRun(Func<Task<HealthCheckResult>> run)
        {
            ArgumentNullException.ThrowIfNull(run);
            lock (_gate)
            {
                if (_last is { } last && (!last.IsCompleted || (last.IsCompletedSuccessfully && time.GetElapsedTime(_startedAt) < duration)))
                {
                    return last;
                }

                _startedAt = time.GetTimestamp();
                _last = run();
                return _last;
            }
        }
    }
}
