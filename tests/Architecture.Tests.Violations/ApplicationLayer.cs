using CleanSse.Api.Endpoints;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence;
using FluentValidation;
using Mapster;
using Mediator;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

// Posing as the application layer. The first type uses everything the layer may use; each other type reaches for one
// thing it must not.
namespace CleanSse.Application.Violations;

public sealed class ApplicationTypeUsingWhatTheLayerMayUse
{
    public Order? Order { get; init; }

    public ISender? Sender { get; init; }

    public IValidator<Order>? Validator { get; init; }

    public TypeAdapterConfig? Mapping { get; init; }

    public ILogger? Logger { get; init; }
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
