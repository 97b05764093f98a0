using System.Text.Json.Serialization;
using CleanSse.Api.ErrorHandling;
using CleanSse.Api.OpenApi;
using CleanSse.Api.Security;
using CleanSse.Application;
using CleanSse.Application.Common.Behaviours;
using CleanSse.Application.Common.Security;
using CleanSse.Application.Orders;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Publishing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using OpenTelemetry.Metrics;
using Serilog;

namespace CleanSse.Api;

public static class DependencyInjection
{
    /// <summary>The application layer's services, and the mediator with its pipeline.</summary>
    public static IServiceCollection AddApplicationServices(this IServiceCollection services)
    {
        services.AddApplication();

        // Here rather than in AddApplication: AddMediator is generated, at compile time, in the project that references
        // Mediator.SourceGenerator, and only this one sees both the Application messages and the Infrastructure handlers.
        services.AddMediator(options =>
        {
            options.ServiceLifetime = ServiceLifetime.Scoped;
            options.Assemblies = [typeof(OrderDto), typeof(OrderEventsSsePublisher)];
            options.PipelineBehaviors =
            [
                typeof(LoggingBehaviour<,>),
                typeof(AuthorizationBehaviour<,>),
                typeof(PublishIntegrationEventsBehaviour<,>),
                typeof(ValidationBehaviour<,>),
            ];
        });

        return services;
    }

    /// <summary>HTTP concerns: JSON, problem details, logging, metrics.</summary>
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        // Socket completions go straight to the thread pool rather than through Kestrel's few I/O queues. A broadcast
        // hands the transport one send per stream at once; in an I/O queue the next request's read and response wait
        // behind all of them, while on the pool they take turns with them (measured in BENCHMARKS.md).
        services.Configure<SocketTransportOptions>(options => options.IOQueueCount = 0);

        services.ConfigureHttpJsonOptions(options =>
        {
            // The contract says integers and numbers, not strings that look like them.
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
        });

        // Binding failures (malformed JSON, wrong content type) become exceptions, answered as problem details.
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddProblemDetails();
        services.AddHttpContextAccessor();
        services.AddScoped<ICurrentUser, HttpCurrentUser>();
        services.AddAuthorization();
        // The sign-in cookie never reaches scripts, and browsers attach it only to requests this site starts itself;
        // CrossSiteRequestGuard checks writes on the server as well.
        services.ConfigureApplicationCookie(options =>
        {
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Strict;
        });
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ProblemDetailsAuthorizationResultHandler>();
        services.AddExceptionHandler<ProblemDetailsExceptionHandler>();

        // The dashboard is a few ES modules importing each other: after a deploy a browser must not run a cached old
        // module beside a new one, so every load revalidates them (a 304 while they are unchanged).
        services.Configure<StaticFileOptions>(options => options.OnPrepareResponse = context =>
            context.Context.Response.Headers.CacheControl = "no-cache");

        services.AddApiDocumentation();

        services.AddSerilog((provider, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .ReadFrom.Services(provider)
            .Enrich.FromLogContext()
            .WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture));

        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(RealtimeMetrics.MeterName, "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel")
            .AddPrometheusExporter());

        return builder;
    }
}
