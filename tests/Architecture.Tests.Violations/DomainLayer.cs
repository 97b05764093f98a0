using CleanSse.Api.Endpoints;
using CleanSse.Application.Orders;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Persistence;
using FluentValidation;
using Mapster;
using Mediator;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

// Posing as the domain layer. Each type but the first reaches for exactly one thing the domain must not know.
namespace CleanSse.Domain.Violations;

public sealed class DomainTypeUsingOnlyTheBaseLibraryAndTheDomain
{
    public IReadOnlyList<Order> Orders { get; init; } = [];

    public DateTimeOffset At { get; init; }
}

public sealed class DomainTypeUsingTheApplication
{
    public OrderDto? Order { get; init; }
}

public sealed class DomainTypeUsingInfrastructure
{
    public OrdersDbContext? Database { get; init; }
}

public sealed class DomainTypeUsingTheApi
{
    public ChangeOrderStatusRequest? Request { get; init; }
}

public sealed class DomainTypeUsingEntityFramework
{
    public DbContext? Database { get; init; }
}

public sealed class DomainTypeUsingMicrosoftExtensions
{
    public ILogger? Logger { get; init; }
}

public sealed class DomainTypeUsingFluentValidation
{
    public IValidator<string>? Validator { get; init; }
}

public sealed class DomainEventUsingMediator : INotification
{
}

public sealed class DomainTypeUsingMapster
{
    public TypeAdapterConfig? Mapping { get; init; }
}
