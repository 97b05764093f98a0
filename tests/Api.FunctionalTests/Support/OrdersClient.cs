using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CleanSse.Api.FunctionalTests.Support;

/// <summary>An order as the API returns it, with the exact JSON it was read from.</summary>
public sealed record CreatedOrder(string Id, string Status, string Json, Uri? Location);

/// <summary>Calls of the orders API that tests repeat, each checking the answer it depends on.</summary>
public static class OrdersClient
{
    public const string OrdersPath = "/api/orders";

    public static object ValidOrder(string customer = "Ada Lovelace", string? note = null) => new
    {
        customer,
        items = new object[]
        {
            new { sku = "BOOK-1", quantity = 2, unitPrice = 12.5m },
            new { sku = "PEN-7", quantity = 3, unitPrice = 0.99m },
        },
        note,
    };

    public static StringContent Json(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, mediaType);

    public static async Task<CreatedOrder> CreateAsync(HttpClient client, string customer = "Ada Lovelace", string? note = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await client.PostAsJsonAsync(OrdersPath, ValidOrder(customer, note), TestContext.Current.CancellationToken);
        var json = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, json);
        return Read(json, response.Headers.Location);
    }

    public static async Task<CreatedOrder> ChangeStatusAsync(HttpClient client, string id, string status)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var response = await PatchAsync(client, id, $$"""{"status":"{{status}}"}""");
        var json = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, json);
        return Read(json, null);
    }

    public static Task<HttpResponseMessage> PatchAsync(HttpClient client, string id, string json)
    {
        ArgumentNullException.ThrowIfNull(client);
        return client.PatchAsync($"{OrdersPath}/{Uri.EscapeDataString(id)}", Json(json), TestContext.Current.CancellationToken);
    }

    public static async Task<IReadOnlyList<string>> ListIdsAsync(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        var body = await client.GetFromJsonAsync<JsonObject>(OrdersPath, TestContext.Current.CancellationToken);
        body.ShouldNotBeNull();
        return body["orders"]!.AsArray().Select(order => order!["id"]!.GetValue<string>()).ToList();
    }

    /// <summary>Whether two JSON texts hold the same document, whatever their formatting.</summary>
    public static bool SameJson(string expected, string? actual) =>
        actual is not null && JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));

    private static CreatedOrder Read(string json, Uri? location)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new CreatedOrder(root.GetProperty("id").GetString()!, root.GetProperty("status").GetString()!, json, location);
    }
}
