using CleanSse.Application.Orders;
using CleanSse.Application.Orders.Commands.ChangeOrderStatus;
using CleanSse.Application.Orders.Commands.CreateOrder;
using CleanSse.Application.Orders.Queries.GetOrderById;
using CleanSse.Application.Orders.Queries.GetOrders;
using CleanSse.Application.Orders.Queries.GetOrderStats;
using Mediator;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace CleanSse.Api.Endpoints;

/// <summary>The orders resource: each route sends one command or query and shapes its answer.</summary>
public static class OrdersEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static RouteGroupBuilder MapOrdersEndpoints(this RouteGroupBuilder api)
    {
        var orders = api.MapGroup("/orders").WithTags("Orders").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);

        orders.MapPost("/", CreateOrder)
            .WithName(nameof(CreateOrder))
            .Accepts<CreateOrderCommand>("application/json")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

        orders.MapGet("/", GetOrders)
            .WithName(nameof(GetOrders))
            .ProducesValidationProblem();

        orders.MapGet("/stats", GetOrderStats).WithName(nameof(GetOrderStats));

        orders.MapGet("/{id}", GetOrderById)
            .WithName(nameof(GetOrderById))
            .ProducesProblem(StatusCodes.Status404NotFound);

        orders.MapPatch("/{id}", ChangeOrderStatus)
            .WithName(nameof(ChangeOrderStatus))
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status412PreconditionFailed);

        return api;
    }

    /// <summary>A repeat with the same <c>Idempotency-Key</c> and body answers the first response again: same order, same <c>Location</c>.</summary>
    public static async Task<CreatedAtRoute<OrderDto>> CreateOrder(
        CreateOrderCommand command,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        ISender sender,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        var order = await sender.Send(command.WithIdempotencyKey(idempotencyKey), cancellationToken);
        return TypedResults.CreatedAtRoute(order, nameof(GetOrderById), new { id = order.Id });
    }

    public static async Task<Ok<OrdersListDto>> GetOrders(
        ISender sender,
        CancellationToken cancellationToken,
        int? limit = null,
        string? after = null,
        string? status = null,
        DateTimeOffset? changedSince = null) =>
        TypedResults.Ok(await sender.Send(new GetOrdersQuery(limit ?? GetOrdersQuery.DefaultLimit, after, status, changedSince), cancellationToken));

    public static async Task<Ok<OrderStatsDto>> GetOrderStats(ISender sender, CancellationToken cancellationToken) =>
        TypedResults.Ok(await sender.Send(new GetOrderStatsQuery(), cancellationToken));

    public static async Task<Ok<OrderDto>> GetOrderById(string id, HttpResponse response, ISender sender, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var found = await sender.Send(new GetOrderByIdQuery(id), cancellationToken);
        response.Headers.ETag = EntityTags.Of(found.Version);
        return TypedResults.Ok(found.Order);
    }

    /// <summary>With <c>If-Match</c>, the change applies only while the order is at a version it names (<c>*</c>: any).</summary>
    public static async Task<Ok<OrderDto>> ChangeOrderStatus(
        string id,
        ChangeOrderStatusRequest request,
        [FromHeader(Name = "If-Match")] string? ifMatch,
        HttpResponse response,
        ISender sender,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(response);
        var changed = await sender.Send(new ChangeOrderStatusCommand(id, request.Status, EntityTags.VersionsIn(ifMatch)), cancellationToken);
        response.Headers.ETag = EntityTags.Of(changed.Version);
        return TypedResults.Ok(changed.Order);
    }
}

/// <summary>The body of <c>PATCH /api/orders/{id}</c>.</summary>
public sealed record ChangeOrderStatusRequest(string? Status);
