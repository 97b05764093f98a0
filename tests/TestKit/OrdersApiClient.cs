using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CleanSse.TestKit;

/// <summary>
/// An order as the API answered it, with the exact JSON it was read from. Two are equal when they show the same order
/// (id, customer, total, status, creation time), however the JSON was laid out and whichever route answered.
/// </summary>
public sealed record ApiOrder(string Id, string Customer, decimal Total, string Status, DateTimeOffset CreatedAt, string Json, Uri? Location)
{
    public bool Equals(ApiOrder? other) =>
        other is not null && Id == other.Id && Customer == other.Customer && Total == other.Total && Status == other.Status && CreatedAt == other.CreatedAt;

    public override int GetHashCode() => HashCode.Combine(Id, Customer, Total, Status, CreatedAt);
}

/// <summary>One page of <c>GET /api/orders</c>: its orders, newest first, and the cursor of the next page (null on the last).</summary>
public sealed record ApiOrderPage(IReadOnlyList<ApiOrder> Orders, string? Next);

/// <summary>One line of an order to create.</summary>
public sealed record ApiOrderLine(string Sku, int Quantity, decimal UnitPrice);

/// <summary>
/// The orders routes, called as any HTTP client would. The <c>…Async</c> calls that return an order insist on the
/// success status; the ones that return the response leave its status and problem details to the test.
/// </summary>
public sealed class OrdersApiClient(HttpClient http)
{
    public const string OrdersPath = "/api/orders";

    /// <summary>The lines of an order when the test does not name them: 2 × 12.50 + 3 × 0.99 = 27.97.</summary>
    public static IReadOnlyList<ApiOrderLine> DefaultLines { get; } = [new("BOOK-1", 2, 12.5m), new("PEN-7", 3, 0.99m)];

    /// <summary>A valid create-order body.</summary>
    /// <param name="customer">A name of this test's own when null.</param>
    public static object NewOrder(string? customer = null, string? note = null, IReadOnlyList<ApiOrderLine>? lines = null) => new
    {
        customer = customer ?? Names.Unique("Customer"),
        items = (lines ?? DefaultLines).Select(line => new { sku = line.Sku, quantity = line.Quantity, unitPrice = line.UnitPrice }).ToArray(),
        note,
    };

    public static StringContent Json(string json, string mediaType = "application/json") =>
        new(json, Encoding.UTF8, mediaType);

    public HttpClient Http => http;

    public Task<HttpResponseMessage> PostAsync(object order, CancellationToken cancellationToken = default) =>
        http.PostAsJsonAsync(OrdersPath, order, Token(cancellationToken));

    /// <summary>Creates an order and insists on 201.</summary>
    public async Task<ApiOrder> CreateAsync(string? customer = null, string? note = null, CancellationToken cancellationToken = default)
    {
        var order = await CreateAsync(NewOrder(customer, note), cancellationToken);
        if (customer is not null)
        {
            order.Customer.ShouldBe(customer, order.Json);
        }

        return order;
    }

    /// <summary>Creates an order of one line and insists on 201.</summary>
    public Task<ApiOrder> CreateAsync(string customer, ApiOrderLine line, string? note = null, CancellationToken cancellationToken = default) =>
        CreateAsync(NewOrder(customer, note, [line]), cancellationToken);

    public async Task<ApiOrder> CreateAsync(object order, CancellationToken cancellationToken = default)
    {
        using var response = await PostAsync(order, cancellationToken);
        return await ReadAsync(response, HttpStatusCode.Created, cancellationToken);
    }

    /// <summary>Every order, newest first, walking every page of <c>GET /api/orders</c>.</summary>
    public async Task<IReadOnlyList<ApiOrder>> ListAsync(CancellationToken cancellationToken = default) =>
        await ListAllAsync(string.Empty, cancellationToken);

    /// <summary>Every order that <paramref name="query"/> (e.g. <c>status=paid&amp;limit=200</c>) selects, walking its pages.</summary>
    public async Task<IReadOnlyList<ApiOrder>> ListAllAsync(string query, CancellationToken cancellationToken = default)
    {
        var all = new List<ApiOrder>();
        string? next = null;
        do
        {
            var page = await ListPageAsync(query, next, cancellationToken);
            all.AddRange(page.Orders);
            next = page.Next;
        }
        while (next is not null);

        return all;
    }

    /// <summary>One page of <c>GET /api/orders?{query}&amp;after={after}</c>; insists on 200.</summary>
    public async Task<ApiOrderPage> ListPageAsync(string query = "", string? after = null, CancellationToken cancellationToken = default)
    {
        var parameters = string.Join('&', new[] { query, after is null ? null : $"after={Uri.EscapeDataString(after)}" }.Where(part => !string.IsNullOrEmpty(part)));
        var uri = new Uri(parameters.Length == 0 ? OrdersPath : $"{OrdersPath}?{parameters}", UriKind.Relative);
        using var response = await http.GetAsync(uri, Token(cancellationToken));
        var body = await ShouldHaveStatusAsync(response, HttpStatusCode.OK, cancellationToken);
        var root = JsonNode.Parse(body)!;
        return new ApiOrderPage(
            [.. root["orders"]!.AsArray().Select(order => Read(order!.ToJsonString(), null))],
            root["next"]?.GetValue<string>());
    }

    /// <summary>A POST of an order with an <c>Idempotency-Key</c> header (none when null).</summary>
    public Task<HttpResponseMessage> PostAsync(object order, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, OrdersPath) { Content = JsonContent.Create(order) };
        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        return http.SendAsync(request, Token(cancellationToken));
    }

    /// <summary>A PATCH of the order's status with an <c>If-Match</c> header (none when null).</summary>
    public Task<HttpResponseMessage> PatchStatusAsync(string id, string status, string? ifMatch, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Patch, $"{OrdersPath}/{Uri.EscapeDataString(id)}") { Content = JsonContent.Create(new { status }) };
        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return http.SendAsync(request, Token(cancellationToken));
    }

    /// <summary>The body of <c>GET /api/orders/stats</c>; insists on 200.</summary>
    public async Task<JsonNode> GetStatsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(new Uri($"{OrdersPath}/stats", UriKind.Relative), Token(cancellationToken));
        return JsonNode.Parse(await ShouldHaveStatusAsync(response, HttpStatusCode.OK, cancellationToken))!;
    }

    public async Task<IReadOnlyList<string>> ListIdsAsync(CancellationToken cancellationToken = default) =>
        [.. (await ListAsync(cancellationToken)).Select(order => order.Id)];

    /// <summary>Reads the order at <paramref name="location"/> (a <c>Location</c> header) and insists on 200.</summary>
    public async Task<ApiOrder> GetAtAsync(Uri location, CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(location, Token(cancellationToken));
        return await ReadAsync(response, HttpStatusCode.OK, cancellationToken);
    }

    public Task<HttpResponseMessage> GetAsync(string id, CancellationToken cancellationToken = default) =>
        http.GetAsync(new Uri($"{OrdersPath}/{Uri.EscapeDataString(id)}", UriKind.Relative), Token(cancellationToken));

    /// <summary>A PATCH of the order with any body, valid or not.</summary>
    public Task<HttpResponseMessage> PatchAsync(string id, string json, CancellationToken cancellationToken = default) =>
        http.PatchAsync($"{OrdersPath}/{Uri.EscapeDataString(id)}", Json(json), Token(cancellationToken));

    public Task<HttpResponseMessage> PatchStatusAsync(string id, string status, CancellationToken cancellationToken = default) =>
        http.PatchAsJsonAsync($"{OrdersPath}/{Uri.EscapeDataString(id)}", new { status }, Token(cancellationToken));

    /// <summary>Changes the order's status and insists on 200.</summary>
    public async Task<ApiOrder> ChangeStatusAsync(string id, string status, CancellationToken cancellationToken = default)
    {
        using var response = await PatchStatusAsync(id, status, cancellationToken);
        return await ReadAsync(response, HttpStatusCode.OK, cancellationToken);
    }

    /// <summary>Fails the test, with the request and the body, unless the response has <paramref name="expected"/>; returns the body.</summary>
    public static async Task<string> ShouldHaveStatusAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync(Token(cancellationToken));
        if (response.StatusCode != expected)
        {
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        }

        return body;
    }

    /// <summary>Whether two JSON texts hold the same document, whatever their formatting.</summary>
    public static bool SameJson(string expected, string? actual) =>
        actual is not null && JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual));

    /// <summary>The order in a response's body, once the response has <paramref name="expected"/>.</summary>
    public static async Task<ApiOrder> ReadAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await ShouldHaveStatusAsync(response, expected, cancellationToken);
        return Read(body, response.Headers.Location);
    }

    private static ApiOrder Read(string json, Uri? location)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ApiOrder(
            root.GetProperty("id").GetString()!,
            root.GetProperty("customer").GetString()!,
            root.GetProperty("total").GetDecimal(),
            root.GetProperty("status").GetString()!,
            root.GetProperty("createdAt").GetDateTimeOffset(),
            json,
            location);
    }

    private static CancellationToken Token(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? cancellationToken : TestContext.Current.CancellationToken;
}
