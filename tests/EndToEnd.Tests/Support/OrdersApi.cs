using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace CleanSse.EndToEnd.Tests.Support;

/// <summary>What another user or system does to the service while the page watches: plain HTTP calls.</summary>
public static class OrdersApi
{
    public static async Task<string> CreateAsync(Uri baseAddress, string customer, string sku = "SKU-1", int quantity = 1, decimal unitPrice = 9.99m, string? note = null)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        using var response = await http.PostAsJsonAsync(
            new Uri("api/orders", UriKind.Relative),
            new { customer, items = new[] { new { sku, quantity, unitPrice } }, note });
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        using var order = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return order.RootElement.GetProperty("id").GetString()!;
    }

    public static async Task ChangeStatusAsync(Uri baseAddress, string id, string status)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        using var response = await http.PatchAsJsonAsync(new Uri($"api/orders/{id}", UriKind.Relative), new { status });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
