using CleanSse.Application.Common.Persistence;
using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Queries.GetOrderById;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure;
using CleanSse.Infrastructure.Persistence;
using CleanSse.Infrastructure.Realtime.Connections;
using Mediator;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

// Posing as endpoints. The first two do what endpoints may: send a message, or open an event stream through the
// realtime machinery. Each other one reaches past the use cases for one thing.
namespace CleanSse.Api.Endpoints.Violations;

public static class EndpointSendingAQuery
{
    public static ValueTask<OrderDto> Get(string id, ISender sender) => sender.Send(new GetOrderByIdQuery(id));
}

public static class EndpointUsingTheRealtimeMachinery
{
    public static IResult Open(SseConnectionHub hub) => Results.Ok(hub.GetType().Name);
}

public static class EndpointUsingTheDomain
{
    public static IResult Total(Order order) => Results.Ok(order.Total);
}

public static class EndpointUsingARepository
{
    public static Task Save(IUnitOfWork unitOfWork) => unitOfWork.SaveChangesAsync(CancellationToken.None);
}

public static class EndpointUsingEntityFramework
{
    public static IResult Count(DbContext database) => Results.Ok(database.GetType().Name);
}

public static class EndpointUsingInfrastructurePersistence
{
    public static IResult Count(OrdersDbContext database) => Results.Ok(database.GetType().Name);
}

public static class EndpointUsingInfrastructureOutsideRealtime
{
    public static IServiceCollection Register(IServiceCollection services, IConfiguration configuration) =>
        services.AddInfrastructure(configuration);
}
