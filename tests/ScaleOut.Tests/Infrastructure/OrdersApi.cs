using System.Globalization;
using System.Net;
using System.Net.Http.Json;

namespace CleanSse.ScaleOut.Tests.Infrastructure;

/// <summary>An order as the API returns it.</summary>
public sealed record OrderView(string Id, string Customer, decimal Total, string Status, DateTime CreatedAt);

internal sealed record OrdersList(IReadOnlyList<OrderView> Orders);

/// <summary>The orders routes, called as any HTTP client would.</summary>
public sealed class OrdersApi(HttpClient http)
{
    private static int _counter;

    public static object NewOrder(string? customer = null) => new
    {
        customer = customer ?? string.Create(CultureInfo.InvariantCulture, $"Customer {Interlocked.Increment(ref _counter)}"),
        items = new[] { new { sku = "BOOK-1", quantity = 2, unitPrice = 12.5m }, new { sku = "PEN-7", quantity = 1, unitPrice = 0.99m } },
    };

    public Task<HttpResponseMessage> PostAsync(object order, CancellationToken cancellationToken) =>
        http.PostAsJsonAsync("/api/orders", order, cancellationToken);

    /// <summary>Creates an order and insists on 201.</summary>
    public async Task<OrderView> CreateAsync(CancellationToken cancellationToken, string? customer = null)
    {
        using var response = await PostAsync(NewOrder(customer), cancellationToken);
        await ShouldHaveStatusAsync(response, HttpStatusCode.Created, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<OrderView>(cancellationToken))!;
    }

    public async Task<IReadOnlyList<OrderView>> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(new Uri("/api/orders", UriKind.Relative), cancellationToken);
        await ShouldHaveStatusAsync(response, HttpStatusCode.OK, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<OrdersList>(cancellationToken))!.Orders;
    }

    public Task<HttpResponseMessage> GetAsync(string id, CancellationToken cancellationToken) =>
        http.GetAsync(new Uri($"/api/orders/{id}", UriKind.Relative), cancellationToken);

    public Task<HttpResponseMessage> PatchStatusAsync(string id, string status, CancellationToken cancellationToken) =>
        http.PatchAsJsonAsync($"/api/orders/{id}", new { status }, cancellationToken);

    public async Task<OrderView> ChangeStatusAsync(string id, string status, CancellationToken cancellationToken)
    {
        using var response = await PatchStatusAsync(id, status, cancellationToken);
        await ShouldHaveStatusAsync(response, HttpStatusCode.OK, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<OrderView>(cancellationToken))!;
    }

    public static async Task ShouldHaveStatusAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        }
    }
}
