using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using CleanSse.Api.ErrorHandling;
using CleanSse.Api.OpenApi;
using CleanSse.Api.Operations;
using CleanSse.Api.Security;
using CleanSse.Application;
using CleanSse.Application.Common.Behaviours;
using CleanSse.Application.Common.Security;
using CleanSse.Application.Common.Tracing;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Commands.CreateOrder;
using CleanSse.Application.Orders.Queries.GetOrders;
using CleanSse.Infrastructure;
using CleanSse.Infrastructure.Persistence.Writing;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Publishing;
using Mediator;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Extensions.Logging;
using Serilog.Formatting.Compact;

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
            options.ServiceLifetime = ServiceLifetime.Transient;
            options.Assemblies = [typeof(OrderDto), typeof(OrderEventsSsePublisher)];
            options.PipelineBehaviors =
            [
                typeof(TracingBehaviour<,>),
                typeof(LoggingBehaviour<,>),
                typeof(AuthorizationBehaviour<,>),
                typeof(PublishIntegrationEventsBehaviour<,>),
                typeof(ValidationBehaviour<,>),
            ];
        });

        return services;
    }

    /// <summary>
    /// Runs what the first order would otherwise pay for (the store's model, queries and insert, the writer, the
    /// publication path, the mediator's pipeline with the validators, the JSON contracts, the endpoints) before the host listens, so that readiness means the service answers at
    /// full speed. Call it once the endpoints are mapped.
    /// </summary>
    public static async Task WarmUpAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        await app.Services.WarmUpOrdersStoreAsync(cancellationToken);
        await app.Services.WarmUpPublishingAsync(cancellationToken);

        var json = app.Services.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        var command = JsonSerializer.Deserialize<CreateOrderCommand>(
            """{"customer":"warm-up","items":[{"sku":"WARM-UP","quantity":1,"unitPrice":0}],"note":null}""", json)!;
        var now = DateTime.UtcNow;
        var order = new OrderDto("warm-up", "warm-up", command.Customer ?? "warm-up", [new OrderItemDto("WARM-UP", 1, 0m)], null, 0m, "new", now, now);

        // A query through the mediator, and the command's behaviours around a stand-in for its handler: the pipeline's
        // code (its validation as a request runs it, the hand-over of committed events, which finds none) is compiled,
        // and nothing is written.
        await AsStaffAsync(app.Services, provider => provider.GetRequiredService<ISender>().Send(new GetOrdersQuery(Limit: 1), cancellationToken));
        await AsStaffAsync(app.Services, async provider =>
        {
            // Answers later, as a handler waiting on the database does, so each behaviour's resumption is compiled too.
            MessageHandlerDelegate<CreateOrderCommand, OrderDto> handler = async (_, _) =>
            {
                await Task.Yield();
                return order;
            };
            foreach (var behaviour in provider.GetServices<IPipelineBehavior<CreateOrderCommand, OrderDto>>().Reverse())
            {
                var next = handler;
                handler = (message, token) => behaviour.Handle(message, next, token);
            }

            return await handler(command, cancellationToken);
        });

        _ = JsonSerializer.Serialize(order, json);

        // Routing builds every endpoint's request delegate, and the link to a created order, on first use.
        _ = app.Services.GetRequiredService<EndpointDataSource>().Endpoints;
        _ = app.Services.GetRequiredService<LinkGenerator>().GetPathByName(nameof(Endpoints.OrdersEndpoints.GetOrderById), new { id = order.Id });
    }

    // Runs in a scope of its own, as a staff member, the way a request's scope would.
    private static async Task AsStaffAsync<TResult>(IServiceProvider services, Func<IServiceProvider, ValueTask<TResult>> run)
    {
        var accessor = services.GetRequiredService<IHttpContextAccessor>();
        await using var scope = services.CreateAsyncScope();
        accessor.HttpContext = new DefaultHttpContext
        {
            RequestServices = scope.ServiceProvider,
            User = new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(ClaimTypes.NameIdentifier, "warm-up"), new Claim(ClaimTypes.Role, Roles.Staff)],
                authenticationType: "warm-up")),
        };
        try
        {
            await run(scope.ServiceProvider);
        }
        finally
        {
            accessor.HttpContext = null;
        }
    }


    /// <summary>Where traces are sent (OTLP); unset, no trace leaves the process.</summary>
    public const string OtlpEndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary><c>true</c> records traces without an OTLP endpoint, for an exporter the host adds itself.</summary>
    public const string TracingEnabledKey = "Tracing:Enabled";

    /// <summary><c>true</c> exports Kestrel's connection meter too (connections open, queued, rejected, their duration).</summary>
    public const string KestrelMetricsKey = "Metrics:Kestrel";

    private const string HostingMeterName = "Microsoft.AspNetCore.Hosting";
    private const string KestrelMeterName = "Microsoft.AspNetCore.Server.Kestrel";

    /// <summary><c>json</c> for JSON console lines.</summary>
    public const string ConsoleFormatKey = "Serilog:Console:Format";

    /// <summary>HTTP concerns: JSON, problem details, logging, metrics, traces.</summary>
    public static WebApplicationBuilder AddWebServices(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        // Kestrel names itself on every response otherwise; nothing a client needs.
        services.Configure<KestrelServerOptions>(options => options.AddServerHeader = false);
        builder.AddRequestPolicies();

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
        // Ahead of the framework's writer, so every problem document has the service's one shape per status.
        services.AddSingleton<IProblemDetailsWriter, ApiProblemDetailsWriter>();
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

        // Probes share a check's result for a moment instead of each costing a database round trip.
        services.AddOptions<HealthOptions>()
            .Bind(builder.Configuration.GetSection(HealthOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddOptions<HealthCheckServiceOptions>().PostConfigure<IOptions<HealthOptions>, TimeProvider>(
            (options, health, time) => CachedHealthCheck.CacheEvery(options, time, health.Value.CacheDuration));
        SharedHealthReports.Register(services);


        // Serilog:Console:Format=json writes one JSON object a line, with the trace and span ids (@tr, @sp) of the span
        // each event was logged in; anything else keeps the plain text lines.
        var jsonConsole = string.Equals(builder.Configuration[ConsoleFormatKey], "json", StringComparison.OrdinalIgnoreCase);
        services.AddSerilog((provider, logger) =>
        {
            logger
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(provider)
                .Enrich.FromLogContext();
            if (jsonConsole)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });

        // Serilog's own factory builds a new logger, enrichers and all, on every CreateLogger call, and authentication
        // handlers ask for one on every request (a stream keeps its handlers' loggers for its whole life). The framework's
        // factory keeps one per category; it passes every level on, so Serilog's MinimumLevel still decides.
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(provider => new LoggerFactory(
            [new SerilogLoggerProvider(provider.GetRequiredService<Serilog.ILogger>())],
            new LoggerFilterOptions { MinLevel = LogLevel.Trace })));

        var telemetry = services.AddOpenTelemetry();
        // Kestrel keeps a list of tags in every connection while anything listens to its meter, about 150 bytes for
        // each idle stream; the streams are counted by the realtime meter, so the connection meter is opt-in.
        string[] meters = builder.Configuration.GetValue<bool>(KestrelMetricsKey)
            ? [RealtimeMetrics.MeterName, DatabaseWriterMetrics.MeterName, HostingMeterName, KestrelMeterName]
            : [RealtimeMetrics.MeterName, DatabaseWriterMetrics.MeterName, HostingMeterName];
        telemetry.WithMetrics(metrics => metrics
            .AddMeter(meters)
            .AddPrometheusExporter());
        // Spans are recorded only when they go somewhere: without an exporter every request would still build an
        // activity, its tags and its links for nobody. The standard variable switches the OTLP exporter on (the
        // exporter reads it, and the other OTEL_* settings, itself); Tracing:Enabled records for an exporter added in code.
        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointKey]);
        if (otlp || builder.Configuration.GetValue<bool>(TracingEnabledKey))
        {
            telemetry.WithTracing(tracing =>
            {
                tracing
                    .AddSource(Telemetry.SourceName)
                    .AddAspNetCoreInstrumentation()
                    .AddHttpClientInstrumentation();
                if (otlp)
                {
                    tracing.AddOtlpExporter();
                }
            });
        }

        return builder;
    }
}
