using System.Data.Common;
using System.Diagnostics;
using CleanSse.Api.Endpoints;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence;
using FluentValidation;
using Mapster;
using Mediator;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Posing as the application layer. The first type uses everything the layer may use; each other type reaches for one
// thing it must not, several of them only inside a lambda, a local function or an async method.
namespace CleanSse.Application.Violations;

public sealed class ApplicationTypeUsingWhatTheLayerMayUse
{
    public Order? Order { get; init; }

    public ISender? Sender { get; init; }

    public IValidator<Order>? Validator { get; init; }

    public TypeAdapterConfig? Mapping { get; init; }

    public ILogger? Logger { get; init; }

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    public static IServiceCollection Register(IServiceCollection services) => services.AddSingleton(TimeProvider.System);

    public static async Task<TimeSpan> TimeAsync(Func<CancellationToken, ValueTask> work, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        await work(cancellationToken);
        return Stopwatch.GetElapsedTime(started);
    }
}

public sealed class ApplicationTypeUsingInfrastructure
{
    public OrdersDbContext? Database { get; init; }
}

public sealed class ApplicationTypeUsingTheApi
{
    public ChangeOrderStatusRequest? Request { get; init; }
}

public sealed class ApplicationTypeUsingEntityFramework
{
    public DbContext? Database { get; init; }
}

public sealed class ApplicationTypeUsingAspNetCore
{
    public HttpContext? HttpContext { get; init; }
}

public sealed class ApplicationTypeRunningSql
{
    public static async Task<int> DeleteAsync(object connection, CancellationToken cancellationToken)
    {
        await using var command = ((DbConnection)connection).CreateCommand();
        command.CommandText = "DELETE FROM orders";
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

public sealed class ApplicationTypeReadingFiles
{
    public Func<string, CancellationToken, Task<string>> Read { get; } = (path, cancellationToken) => File.ReadAllTextAsync(path, cancellationToken);
}

public sealed class ApplicationTypeCallingHttp
{
    public static int Length(Uri address)
    {
        return Fetch().Length;

        string Fetch()
        {
            using var client = new HttpClient();
            return client.GetStringAsync(address).GetAwaiter().GetResult();
        }
    }
}

public sealed class ApplicationTypeStartingAThread
{
    public static void Start(Action work) => new Thread(() => work()).Start();
}
