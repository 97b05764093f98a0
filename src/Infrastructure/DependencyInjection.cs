using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Common.Security;
using CleanSse.Infrastructure.Identity;
using CleanSse.Infrastructure.Messaging;
using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Persistence.Idempotency;
using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.Infrastructure.Persistence.Reading;
using CleanSse.Infrastructure.Persistence.Writing;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Realtime.Publishing;
using CleanSse.Infrastructure.Realtime.Redis;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure;

public static class DependencyInjection
{
    public const string OrdersConnectionStringName = "Orders";
    public const string DefaultOrdersConnectionString = "Data Source=cleansse.db";

    public static IServiceCollection AddInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);
        // Shared by the outbox and the stream, so an event's payload is serialized once in this process.
        services.AddSingleton<IntegrationEventSerializer>();
        services.AddPersistence(configuration);
        services.AddIdentityStore(configuration);
        services.AddRealtime(configuration);
        return services;
    }

    /// <summary>
    /// Users and roles in the orders database, signed in by ASP.NET Core Identity's bearer tokens or its cookie. The keys
    /// that protect both are shared by every instance, so each one reads a token or cookie that another one issued: in
    /// Redis when <c>ConnectionStrings:Redis</c> is set (instances may then keep separate databases), with a copy in the
    /// database for when Redis is down or restarted empty, else in the database alone.
    /// </summary>
    private static void AddIdentityStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddIdentityApiEndpoints<IdentityUser>(options => options.User.RequireUniqueEmail = true)
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<OrdersDbContext>();
        services.Configure<AuthenticationOptions>(BearerOrCookieScheme.Configure);
        services.Configure<BearerTokenOptions>(IdentityConstants.BearerScheme, BearerOrCookieScheme.Configure);
        services.AddOptions<BearerTokenOptions>(IdentityConstants.BearerScheme).PostConfigure<TimeProvider>(
            (options, clock) =>
            {
                var tickets = new RecentTicketCache(options.BearerTokenProtector, clock);
                options.BearerTokenProtector = tickets;
                var received = options.Events.OnMessageReceived;
                options.Events.OnMessageReceived = async context =>
                {
                    await received(context);
                    if (context.Result is null
                        && context.Token is null
                        && context.Request.Headers.Authorization is { Count: 1 } authorization
                        && tickets.TryRecall(authorization[0], out var ticket))
                    {
                        context.Principal = ticket.Principal;
                        context.Properties = ticket.Properties;
                        context.Success();
                    }
                };
            });
        services.AddScoped<IUserAccounts, UserAccounts>();
        services.AddOptions<DemoStaffOptions>()
            .Bind(configuration.GetSection(DemoStaffOptions.SectionName))
            .Validate(
                options => string.IsNullOrWhiteSpace(options.Email) == string.IsNullOrEmpty(options.Password),
                "Auth:DemoStaff needs both Email and Password, or neither.")
            .ValidateOnStart();
        // One application name everywhere: the keys' purpose includes it, so an instance with another name could not
        // read what its peers protected even with the same keys.
        var dataProtection = services.AddDataProtection().SetApplicationName(DataProtectionApplicationName);
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString(RedisOptions.ConnectionStringName)))
        {
            dataProtection.PersistKeysToDbContext<OrdersDbContext>();
        }
        else
        {
            services.AddOptions<KeyManagementOptions>()
                .Configure<IServiceProvider, RedisConnections, RedisOptions>((options, provider, connections, redis) =>
                    options.XmlRepository = new SharedKeyRingRepository(
                        new RedisXmlRepository(
                            // The key ring is read and written synchronously; the connection is made once and then reused.
                            () => connections.CommandsAsync(CancellationToken.None).GetAwaiter().GetResult(),
                            DataProtectionKeysKey(redis.KeyPrefix)),
                        new EntityFrameworkCoreXmlRepository<OrdersDbContext>(provider, provider.GetRequiredService<ILoggerFactory>()),
                        connections,
                        provider.GetRequiredService<ILogger<SharedKeyRingRepository>>()));
        }
    }

    /// <summary>The name every instance protects its tokens and cookies under.</summary>
    public const string DataProtectionApplicationName = "CleanSse";

    /// <summary>The Redis list holding the data-protection key ring, beside the event log's keys.</summary>
    public static string DataProtectionKeysKey(string keyPrefix) => $"{keyPrefix}:data-protection-keys";

    private static void AddGroupCommitWriter(this IServiceCollection services, WriterDialect dialect)
    {
        services.AddSingleton(dialect);
        services.AddSingleton<PreparedInsertStatements>();
        services.AddSingleton<DatabaseWriterMetrics>();
        services.AddSingleton<GroupCommitWriter>();
        services.AddSingleton<IDatabaseWriter>(provider => provider.GetRequiredService<GroupCommitWriter>());
    }

    private static void AddPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        var provider = configuration["Database:Provider"] ?? "Sqlite";
        var connectionString = configuration.GetConnectionString(OrdersConnectionStringName);
        if (string.Equals(provider, "Postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException("Database:Provider is Postgres, so ConnectionStrings:Orders must name the PostgreSQL database.");
            }

            connectionString = PostgresConnectionStrings.WithAutoPrepare(connectionString);

            // Pooled: the options, and the services behind them, are built once, not for every request.
            services.AddDbContextPool<OrdersDbContext, PostgresOrdersDbContext>((provider, options) => options
                .UseNpgsql(connectionString)
                .AddInterceptors(provider.GetServices<IInterceptor>()));
            services.AddGroupCommitWriter(WriterDialect.Postgres(connectionString));
            services.AddSingleton<IDatabaseReader, DirectDatabaseReader>();
            services.AddScoped<IOrderReader, CompiledQueryOrderReader>();
            services.AddScoped<IPendingOutboxReader, CompiledQueryPendingOutboxReader>();
        }
        else if (string.Equals(provider, "Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            var sqlite = connectionString ?? DefaultOrdersConnectionString;
            // One interceptor for every context, not one per context; any other registered interceptor joins it.
            services.AddSingleton<IInterceptor, SqliteBusyTimeoutInterceptor>();
            services.AddDbContextPool<OrdersDbContext>((provider, options) => options
                .UseSqlite(sqlite)
                .AddInterceptors(provider.GetServices<IInterceptor>()));
            services.AddGroupCommitWriter(WriterDialect.Sqlite(sqlite));
            services.AddSingleton(_ => new SqliteReadConnections(sqlite));
            services.AddSingleton<IDatabaseReader>(provider => provider.GetRequiredService<SqliteReadConnections>());
            services.AddSingleton<IOrderReader, SqliteOrderReader>();
            services.AddSingleton<IPendingOutboxReader, SqlitePendingOutboxReader>();
        }
        else
        {
            throw new InvalidOperationException($"Database:Provider '{provider}' is not supported; use Sqlite or Postgres.");
        }

        services.AddScoped<NewRows>();
        // Rented from the pool only by what uses it (see OrderRepository); one per request like the context itself.
        services.AddScoped(static provider => new Lazy<OrdersDbContext>(provider.GetRequiredService<OrdersDbContext>, LazyThreadSafetyMode.None));
        services.AddScoped<IOrderRepository, OrderRepository>();
        services.AddScoped<IUnitOfWork, UnitOfWork>();
        services.AddScoped<IIdempotencyStore, IdempotencyStore>();
        services.AddHostedService<IdempotencyPurgeService>();
        services.AddSingleton<PublishedMarkStatements>();
        services.AddScoped<OutboxStore>();
        services.AddScoped<IOutbox>(provider => provider.GetRequiredService<OutboxStore>());
        services.AddOptions<OutboxOptions>()
            .Bind(configuration.GetSection(OutboxOptions.SectionName))
            .Validate(
                options => options.PollInterval > TimeSpan.Zero
                    && options.Retention > TimeSpan.Zero && options.BatchSize > 0,
                "Outbox: PollInterval and Retention must be positive, BatchSize at least 1.")
            .ValidateOnStart();

        // One ordered dispatcher per process: the requests hand it their events, and it runs as a hosted service.
        services.AddSingleton<OutboxDispatcher>();
        services.AddSingleton<IIntegrationEventDispatcher>(provider => provider.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<IOutboxHandIn>(provider => provider.GetRequiredService<OutboxDispatcher>());
        services.AddHostedService(provider => provider.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<OrdersDatabaseProbe>();
        services.AddHealthChecks().AddCheck<OrdersDatabaseHealthCheck>("orders-database");
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
        var redisConnectionString = configuration.GetConnectionString(RedisOptions.ConnectionStringName);
        if (string.IsNullOrWhiteSpace(redisConnectionString))
        {
            services.AddSingleton<IEventLog, InMemoryEventLog>();
        }
        else
        {
            services.AddOptions<RedisOptions>()
                .Configure(options => options.ConnectionString = redisConnectionString)
                .Bind(configuration.GetSection(RedisOptions.SectionName))
                .ValidateDataAnnotations()
                .Validate(options => options.ReadBlock > TimeSpan.Zero, "Realtime:ReadBlock must be positive.")
                .ValidateOnStart();
            services.AddSingleton(provider => provider.GetRequiredService<IOptions<RedisOptions>>().Value);
            services.AddSingleton<RedisConnections>();
            services.AddSingleton<IEventLog, RedisStreamEventLog>();
            // Degraded, not unhealthy: orders are still accepted while Redis is down, so an instance stays ready.
            services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", failureStatus: HealthStatus.Degraded);
        }

        // The writer loops start before, and stop after, everything that queues frames for them.
        services.AddSingleton<SseWriterPool>();
        services.AddHostedService(static services => services.GetRequiredService<SseWriterPool>());
        services.AddSingleton<SseConnectionHub>();
        services.AddSingleton<StreamCatchUp>();
        // A stream signs itself in at admission: the services it needs, whatever schemes and policies the host adds.
        services.AddAuthenticationCore();
        services.AddAuthorization();
        services.AddSingleton<StreamAdmission>();
        services.AddScoped<OrderEventsSsePublisher>();
        services.AddScoped<IIntegrationEventLog>(provider => provider.GetRequiredService<OrderEventsSsePublisher>());
        services.AddHostedService<LiveEventDispatcher>();
        services.AddHostedService<HeartbeatService>();
        services.AddHostedService<StreamShutdownService>();
    }

    /// <summary>Creates the <c>Auth:DemoStaff</c> account, or resets its password, when it is configured.</summary>
    public static async Task EnsureDemoStaffAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        var demo = services.GetRequiredService<IOptions<DemoStaffOptions>>().Value;
        if (!demo.IsSet)
        {
            return;
        }

        // Instances that start together on one database may set the account up at the same moment: the loser of that
        // race reads again, finds it done, and goes on.
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            IReadOnlyList<string> refused;
            try
            {
                await using var scope = services.CreateAsyncScope();
                var accounts = scope.ServiceProvider.GetRequiredService<IUserAccounts>();
                refused = await accounts.EnsureStaffAsync(demo.Email!, demo.Password!, cancellationToken);
            }
            catch (DbUpdateException) when (attempt < attempts)
            {
                refused = ["The account was being set up by another instance."];
            }

            if (refused.Count == 0)
            {
                return;
            }

            if (attempt == attempts)
            {
                throw new InvalidOperationException($"Auth:DemoStaff could not be set up: {string.Join(" ", refused)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100 * attempt), cancellationToken);
        }
    }

    /// <summary>
    /// Runs the orders store's hot paths once (model, queries, the insert of an order and its event, the writer), leaving
    /// nothing behind, so that the first order after start costs what any other does. Call it before the host listens.
    /// </summary>
    public static Task WarmUpOrdersStoreAsync(this IServiceProvider services, CancellationToken cancellationToken = default) =>
        StoreWarmUp.RunAsync(services, cancellationToken);

    /// <summary>
    /// Runs the path a committed batch takes to the event log once, with an empty batch that changes nothing, so that
    /// the first order's event does not wait for it to be compiled. Call it before the host listens.
    /// </summary>
    public static Task WarmUpPublishingAsync(this IServiceProvider services, CancellationToken cancellationToken = default) =>
        PublishingWarmUp.RunAsync(services, cancellationToken);

    /// <summary>
    /// Applies pending migrations; the service owns its schema. Instances starting together may race to create the
    /// database (EF Core locks the migrations themselves, not the creation), so a failed attempt is retried.
    /// </summary>
    public static async Task MigrateOrdersDatabaseAsync(this IServiceProvider services, CancellationToken cancellationToken = default)
    {
        const int attempts = 5;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var scope = services.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
                await db.Database.MigrateAsync(cancellationToken);
                if (db.Database.IsSqlite())
                {
                    // Write-ahead logging, kept in the file: reads no longer wait on a write, and a commit appends to
                    // the log instead of rewriting a journal.
                    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", cancellationToken);
                }

                return;
            }
            catch (System.Data.Common.DbException) when (attempt < attempts)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken);
            }
        }
    }
}
