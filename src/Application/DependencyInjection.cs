using CleanSse.Application.Common.Events;
using CleanSse.Application.Orders;
using FluentValidation;
using Mapster;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CleanSse.Application;

public static class DependencyInjection
{
    /// <summary>
    /// The application layer's own services: validators, mappings, the integration event types and the one publishing
    /// path. The mediator itself is added by the composition root (see its <c>AddMediator</c>).
    /// </summary>
    public static IServiceCollection AddApplication(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddValidatorsFromAssemblyContaining<OrderDto>(ServiceLifetime.Singleton);

        var mapping = new TypeAdapterConfig();
        mapping.Scan(typeof(OrderDto).Assembly);
        mapping.Compile();
        services.AddSingleton(mapping);

        services.AddSingleton(IntegrationEventTypes.FromAssembly(typeof(IIntegrationEvent).Assembly));
        services.AddScoped<ScopedIntegrationEvents>();
        services.AddScoped<IIntegrationEvents>(provider => provider.GetRequiredService<ScopedIntegrationEvents>());
        services.AddScoped<IntegrationEventPublisher>();
        services.AddScoped<OrderAccessPolicy>();
        return services;
    }
}
