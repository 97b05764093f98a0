using CleanSse.Client.Orders;
using CleanSse.TestKit;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Client.IntegrationTests;

/// <summary>One running service for a class of tests, and the clients as an application would register them.</summary>
public sealed class ServiceFixture : IAsyncLifetime
{
    private readonly List<ServiceProvider> _providers = [];

    public ServiceHost Service { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        Service = await ServiceHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>The services of an application that registered the clients with <paramref name="accessToken"/> (staff's by default).</summary>
    public IServiceProvider ClientServices(string? accessToken = null, Action<CleanSseClientOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddCleanSseClient(options =>
        {
            options.BaseAddress = Service.BaseAddress;
            options.AccessToken = accessToken ?? Service.Clients.AccessToken;
            configure?.Invoke(options);
        });
        var provider = services.BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }

        return provider;
    }

    /// <summary>The REST client signed in with <paramref name="accessToken"/> (staff's by default).</summary>
    public OrdersClient Orders(string? accessToken = null) => ClientServices(accessToken).GetRequiredService<OrdersClient>();

    /// <summary>A customer no other test uses, signed in: their access token.</summary>
    public async Task<string> NewCustomerTokenAsync()
    {
        var customer = TestUsers.NewCustomer();
        await Service.Clients.RegisterAsync(customer, TestContext.Current.CancellationToken);
        return await Service.Clients.LoginAsync(customer, TestContext.Current.CancellationToken);
    }

    public static NewOrder NewOrder(string? customer = null) =>
        new(customer ?? Names.Unique("Client"), [new OrderItemDto("BOOK-1", 2, 12.5m), new OrderItemDto("PEN-7", 3, 0.99m)], "from the typed client");

    public async ValueTask DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }

        if (Service is not null)
        {
            await Service.DisposeAsync();
        }
    }
}
