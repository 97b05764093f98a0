using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CleanSse.Api.Security;

/// <summary>
/// The policies at the service's edge, registered and put in the pipeline together: security headers, the trusted
/// proxies' forwarded headers, CORS for the configured origins, and the rate limit on writes. Each is configured under
/// its own section and validated at start.
/// </summary>
public static class RequestPolicies
{
    public static WebApplicationBuilder AddRequestPolicies(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<SecurityHeadersOptions>()
            .Bind(configuration.GetSection(SecurityHeadersOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(options => options.IsValid(out _), "SecurityHeaders: every prefix starts with '/', '/' has a policy, every policy sets frame-ancestors.")
            .ValidateOnStart();

        services.AddOptions<TrustedProxyOptions>()
            .Configure(options => options.KnownProxies = TrustedProxyOptions.From(configuration).KnownProxies)
            .Validate(options => options.IsValid(out _), "ForwardedHeaders:KnownProxies must list IP addresses.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((options, proxies) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; here only the listed proxies are.
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var address in proxies.Value.Addresses)
            {
                options.KnownProxies.Add(address);
            }
        });

        services.AddOptions<CrossOriginOptions>()
            .Configure(options => options.AllowedOrigins = CrossOriginOptions.From(configuration).AllowedOrigins)
            .Validate(options => options.IsValid(out _), "Cors:AllowedOrigins must list origins: scheme://host[:port], no path, no wildcard.")
            .ValidateOnStart();
        services.AddCors();
        services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>().Configure<IOptions<CrossOriginOptions>>((options, origins) =>
            options.AddDefaultPolicy(policy => policy
                .WithOrigins([.. origins.Value.AllowedOrigins])
                .AllowCredentials()
                .AllowAnyHeader()
                .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Patch)
                .WithExposedHeaders("Location", "ETag", "Retry-After")
                .SetPreflightMaxAge(TimeSpan.FromMinutes(10))));

        services.AddOptions<WriteRateLimitOptions>()
            .Bind(configuration.GetSection(WriteRateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<WriteRateLimitOptions>>((options, limits) =>
        {
            var limit = limits.Value;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.OnRejected = (context, _) => RejectAsync(context, limit);
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(PartitionOf(context), _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = limit.PermitLimit,
                    Window = limit.Window,
                    QueueLimit = 0,
                }));
        });

        return builder;
    }

    /// <summary>
    /// Puts the edge policies in the pipeline. Forwarded headers and security headers come first, so everything after
    /// (logs, limits) sees the real client and every answer carries the headers; CORS, when origins are configured,
    /// answers preflights before anything asks for a user.
    /// </summary>
    public static WebApplication UseEdgePolicies(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.KnownProxies.Count > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseMiddleware<SecurityHeadersMiddleware>();
        return app;
    }

    /// <summary>CORS for the configured origins; without any, no middleware and no CORS header at all.</summary>
    public static WebApplication UseCrossOriginRequests(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<CrossOriginOptions>>().Value.AllowedOrigins.Count > 0)
        {
            app.UseCors();
        }

        return app;
    }

    /// <summary>
    /// The rate limit on writes, after authentication (a signed-in user is limited as a user, wherever they connect
    /// from). Only writes take the branch: reads and event streams never meet the limiter.
    /// </summary>
    public static WebApplication UseWriteRateLimit(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetRequiredService<IOptions<WriteRateLimitOptions>>().Value.Enabled)
        {
            app.UseWhen(context => IsWrite(context.Request.Method), branch => branch.UseRateLimiter());
        }

        return app;
    }

    private static bool IsWrite(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPatch(method) || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);

    private static string PartitionOf(HttpContext context) =>
        context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { Length: > 0 } userId
            ? $"user:{userId}"
            : $"address:{context.Connection.RemoteIpAddress}";

    private static async ValueTask RejectAsync(OnRejectedContext context, WriteRateLimitOptions limit)
    {
        var httpContext = context.HttpContext;
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : limit.Window;
        httpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        httpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await httpContext.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many changes",
                Detail = $"At most {limit.PermitLimit} changes per {limit.Window.TotalSeconds:0.###} s for each user or client; retry after the delay Retry-After gives.",
            },
        });
    }
}
