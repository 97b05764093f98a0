using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanSse.Client.Orders;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Client.IntegrationTests;

/// <summary>
/// The real service on Kestrel, 127.0.0.1 and a free port, storing orders in a SQLite file of its own that is deleted
/// when the service is disposed.
/// </summary>
public sealed class OrdersService : WebApplicationFactory<Program>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly string _databasePath = Path.Combine(Path.GetTempPath(), $"cleansse-client-it-{Guid.NewGuid():N}.db");
    private HttpClient? _http;

    private OrdersService() => UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));

    /// <summary>Where the service listens.</summary>
    public IPEndPoint EndPoint { get; private set; } = null!;

    public string DatabasePath => _databasePath;

    public static OrdersService Start()
    {
        var service = new OrdersService();
        service.StartServer();
        var address = service.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        var uri = new Uri(address);
        service.EndPoint = new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port);
        service._http = new HttpClient { BaseAddress = uri };
        return service;
    }

    /// <summary>Creates an order directly on the service (not through any proxy) and returns it as the 201 shows it.</summary>
    public async Task<OrderDto> CreateOrderAsync(string customer, CancellationToken cancellationToken)
    {
        var http = _http ?? throw new InvalidOperationException("The service is not started.");
        var input = new { customer, items = new[] { new { sku = "SKU-1", quantity = 2, unitPrice = 1.25m } } };
        using var response = await http.PostAsJsonAsync("/api/orders", input, Json, cancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created);
        var order = await response.Content.ReadFromJsonAsync<OrderDto>(Json, cancellationToken);
        order.ShouldNotBeNull().Customer.ShouldBe(customer);
        return order;
    }

    public override async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        await base.DisposeAsync();

        // Pooled connections keep the file open; release them before deleting it.
        SqliteConnection.ClearAllPools();
        foreach (var path in new[] { _databasePath, _databasePath + "-wal", _databasePath + "-shm" })
        {
            File.Delete(path);
        }
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Orders", $"Data Source={_databasePath}");
        builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
        builder.UseSetting("Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime", "Warning");
    }
}
