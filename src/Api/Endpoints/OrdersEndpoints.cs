using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Commands.ChangeOrderStatus;
using CleanSse.Application.Orders.Commands.CreateOrder;
using CleanSse.Application.Orders.Queries.GetOrderById;
using CleanSse.Application.Orders.Queries.GetOrders;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;

namespace CleanSse.Api.Endpoints;

/// <summary>The orders resource: each route sends one command or query and shapes its answer.</summary>
public static class OrdersEndpoints
{
    public static RouteGroupBuilder MapOrdersEndpoints(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders").RequireAuthorization();

        orders.MapPost("/", CreateOrder)
            .WithName(nameof(CreateOrder))
            .Accepts<CreateOrderCommand>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);

        orders.MapGet("/", GetOrders).WithName(nameof(GetOrders));

        orders.MapGet("/{id}", GetOrderById)
            .WithName(nameof(GetOrderById))
            .ProducesProblem(StatusCodes.Status404NotFound);

        orders.MapPatch("/{id}", ChangeOrderStatus)
            .WithName(nameof(ChangeOrderStatus))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);

        return api;
    }

    public static async Task<CreatedAtRoute<OrderDto>> CreateOrder(
        CreateOrderCommand command, ISender sender, CancellationToken cancellationToken)
    {
        var order = await sender.Send(command, cancellationToken);
        return TypedResults.CreatedAtRoute(order, nameof(GetOrderById), new { id = order.Id });
    }

    public static async Task<Ok<OrdersListDto>> GetOrders(
        ISender sender, CancellationToken cancellationToken, int limit = GetOrdersQuery.DefaultLimit) =>
        TypedResults.Ok(await sender.Send(new GetOrdersQuery(limit), cancellationToken));

    public static async Task<Ok<OrderDto>> GetOrderById(string id, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetOrderByIdQuery(id), cancellationToken));

    public static async Task<Ok<OrderDto>> ChangeOrderStatus(
        string id, ChangeOrderStatusRequest request, ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new ChangeOrderStatusCommand(id, request.Status), cancellationToken));
}

/// <summary>The body of <c>PATCH /api/orders/{id}</c>.</summary>
public sealed record ChangeOrderStatusRequest(string? Status);
