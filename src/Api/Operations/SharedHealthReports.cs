using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace CleanSse.Api.Operations;

/// <summary>
/// Answers every probe within <see cref="HealthOptions.CacheDuration"/> with the same report, one per set of checks
/// (live, ready). Each check already shares its result for that long; this also spares each probe the service scope,
/// the check objects and the report that running the checks builds, most of a probe's cost once the results are shared.
/// Probes that arrive while a report is being made wait for it rather than start their own.
/// </summary>
internal sealed class SharedHealthReports(HealthCheckService inner, TimeProvider time, TimeSpan duration) : HealthCheckService
{
    private static readonly object EveryCheck = new();

    private readonly ConcurrentDictionary<object, Shared> _reports = new(ReferenceEqualityComparer.Instance);

    public override Task<HealthReport> CheckHealthAsync(
        Func<HealthCheckRegistration, bool>? predicate,
        CancellationToken cancellationToken = default)
    {
        if (duration <= TimeSpan.Zero)
        {
            return inner.CheckHealthAsync(predicate, cancellationToken);
        }

        var key = (object?)predicate ?? EveryCheck;
        if (_reports.TryGetValue(key, out var shared) && shared.IsFresh(time, duration))
        {
            return shared.Report.IsCompleted ? shared.Report : shared.Report.WaitAsync(cancellationToken);
        }

        // The report is made without the first caller's cancellation: the callers that share it have their own.
        var made = new Shared(inner.CheckHealthAsync(predicate, CancellationToken.None), time.GetTimestamp());
        _reports[key] = made;
        return made.Report.WaitAsync(cancellationToken);
    }

    /// <summary>Puts this in front of the health check service that <c>AddHealthChecks</c> registered.</summary>
    public static void Register(IServiceCollection services)
    {
        services.AddHealthChecks();
        var registered = services.Single(descriptor => descriptor.ServiceType == typeof(HealthCheckService));
        var implementation = registered.ImplementationType
            ?? throw new InvalidOperationException("AddHealthChecks no longer registers its service by type.");
        services.Remove(registered);
        services.AddSingleton<HealthCheckService>(provider => new SharedHealthReports(
            (HealthCheckService)ActivatorUtilities.CreateInstance(provider, implementation),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<IOptions<HealthOptions>>().Value.CacheDuration));
    }

    private sealed record Shared(Task<HealthReport> Report, long StartedAt)
    {
        // A report still being made is shared; a failed one is not kept.
        public bool IsFresh(TimeProvider time, TimeSpan duration) =>
            !Report.IsCompleted || (Report.IsCompletedSuccessfully && time.GetElapsedTime(StartedAt) < duration);
    }
}
