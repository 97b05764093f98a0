using CleanSse.Application.Common.Persistence;
using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CleanSse.Infrastructure;

public static class DependencyInjection
{
    public const string OrdersConnectionStringName = "Orders";
    public const string DefaultOrdersConnectionString = "Data Source=cleansse.db";

    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.AddPersistence(configuration);
        services.AddRealtime(configuration);
        return services;
    }

    private static void AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(OrdersConnectionStringName) ?? DefaultOrdersConnectionString;
        services.AddDbContext<OrdersDbContext>(options => options.UseSqlite(connectionString));
        services.AddScoped<IOrderRepository, OrderRepository>();
        services.AddScoped<IUnitOfWork, UnitOfWork>();
        services.AddHealthChecks().AddDbContextCheck<OrdersDbContext>("orders-database");
    }

    private static void AddRealtime(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<RealtimeOptions>()
            .Bind(configuration.GetSection(RealtimeOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(options => options.HeartbeatInterval > TimeSpan.Zero, "Realtime:HeartbeatInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<EventLogOptions>()
            .Bind(configuration.GetSection(EventLogOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(options => options.MaxAge > TimeSpan.Zero, "Realtime:History:MaxAge must be positive.")
            .ValidateOnStart();

        services.AddMetrics();
        services.AddSingleton<RealtimeMetrics>();
        services.AddSingleton<IEventLog, InMemoryEventLog>();
        services.AddSingleton<SseConnectionHub>();
        services.AddSingleton<EventStreamSession>();
        services.AddHostedService<LiveEventDispatcher>();
        services.AddHostedService<HeartbeatService>();
        services.AddHostedService<StreamShutdownService>();
    }

    /// <summary>Applies pending migrations; the service owns its schema.</summary>
    public static async Task MigrateOrdersDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        await db.Database.MigrateAsync(cancellationToken);
    }
}
