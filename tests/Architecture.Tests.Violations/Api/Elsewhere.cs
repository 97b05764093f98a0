using CleanSse.Infrastructure.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

// Posing as Api types outside the Endpoints folder: one endpoint type that keeps the rules, and types that are not
// endpoint types yet map routes or use the infrastructure.
namespace CleanSse.Api.Features.Violations
{
    public static class HealthEndpoints
    {
        public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder routes)
        {
            routes.MapGroup("/features").MapGet("/ping", () => TypedResults.Ok("pong"));
            return routes;
        }
    }
}

namespace CleanSse.Api.Shortcuts.Violations
{
    public static class OrderShortcuts
    {
        public static void MapShortcuts(this IEndpointRouteBuilder routes) =>
            routes.MapGet("/shortcut/orders", (OrdersDbContext database) => database.Orders.Count());
    }
}

namespace CleanSse.Api.Violations
{
    public sealed class RouteTable
    {
        public static void Build(WebApplication app)
        {
            Register();

            void Register() => app.MapFallbackToFile("index.html");
        }
    }

    public sealed class OrderLookup(IServiceProvider services)
    {
        public int Count() => services.GetRequiredService<OrdersDbContext>().Orders.Count();
    }
}
