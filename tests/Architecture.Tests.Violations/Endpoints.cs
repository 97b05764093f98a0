using System.Data.Common;
using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Queries.GetOrderById;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure;
using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Realtime;
using Mediator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Posing as endpoint types (static classes whose names end with Endpoints). The first does what endpoints may: map a
// route that sends a query. Each other one reaches past the use cases for one thing, several only in a route's lambda.
namespace CleanSse.Api.Endpoints.Violations;

public static class QueryEndpoints
{
    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/orders/{id}", (string id, ISender sender, CancellationToken cancellationToken) =>
            sender.Send(new GetOrderByIdQuery(id), cancellationToken));
        return routes;
    }

    public static ValueTask<VersionedOrderDto> Get(string id, ISender sender) => sender.Send(new GetOrderByIdQuery(id));
}

public static class RealtimeInternalsEndpoints
{
    public static IResult Open(RealtimeMetrics metrics) => Results.Ok(metrics.GetType().Name);
}

public static class DomainEntityEndpoints
{
    public static IResult Total(Order order) => Results.Ok(order.Total);
}

public static class RepositoryEndpoints
{
    public static IEndpointRouteBuilder MapRepositoryEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/orders/{id}/raw", async (string id, IOrderRepository orders, CancellationToken cancellationToken) =>
            Results.Ok(await orders.FindAsync(id, cancellationToken)));
        return routes;
    }
}

public static class EntityFrameworkEndpoints
{
    public static IResult Count(DbContext database) => Results.Ok(database.GetType().Name);
}

public static class DbContextEndpoints
{
    public static IResult Count(OrdersDbContext database) => Results.Ok(database.GetType().Name);
}

public static class InfrastructureRegistrationEndpoints
{
    public static IServiceCollection Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddInfrastructure(configuration);
}

public static class PublishingEndpoints
{
    public static ValueTask Publish(IPublisher publisher, INotification notification) => publisher.Publish(notification);
}

public static class SqlEndpoints
{
    public static async Task<IResult> Count(HttpContext context)
    {
        await using var command = context.RequestServices.GetRequiredService<DbConnection>().CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM orders";
        return Results.Ok(await command.ExecuteScalarAsync(context.RequestAborted));
    }
}

/// <summary>Named like an endpoint type but not static, so it may not map routes.</summary>
public sealed class InstanceEndpoints
{
    public static void Map(IEndpointRouteBuilder routes) => routes.MapGet("/ping", () => "pong");
}
