// What Kestrel and minimal APIs do on this machine with nothing else: the request-path bench's baseline. The same
// routes and JSON shapes as CleanSse's orders API, orders kept in a dictionary, no sign-in, no database, no events.
using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using CleanSse.Competitors.Baseline;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(options => options.SerializerOptions.TypeInfoResolverChain.Insert(0, BaselineJsonContext.Default));
var app = builder.Build();

var orders = new ConcurrentDictionary<string, StoredOrder>(StringComparer.Ordinal);
// Ids in the order they were created, so the newest page is the list's tail, as an index gives it to a database.
var created = new List<string>();

app.MapGet("/healthz", () => "Healthy");
app.MapGet("/healthz/ready", () => "Healthy");

app.MapPost("/api/orders", (OrderInput input) =>
{
    if (input.Customer is not { Length: > 0 and <= 100 } || input.Items is not { Count: > 0 and <= 50 } || input.Note?.Length > 500
        || input.Items.Any(item => item.Sku is not { Length: > 0 and <= 64 } || item.Quantity is < 1 or > 1000 || item.UnitPrice < 0))
    {
        return Results.ValidationProblem(new Dictionary<string, string[]> { ["items"] = ["invalid"] });
    }

    var now = DateTime.UtcNow;
    var items = input.Items.Select(item => new OrderItem(item.Sku!, item.Quantity, item.UnitPrice)).ToArray();
    var order = new OrderView(
        Guid.CreateVersion7().ToString("N"), "bench", input.Customer, items, input.Note,
        Math.Round(items.Sum(item => item.Quantity * item.UnitPrice), 2), "new", now, now);
    orders[order.Id] = new StoredOrder(order, 1);
    lock (created)
    {
        created.Add(order.Id);
    }

    return Results.Created($"/api/orders/{order.Id}", order);
});

app.MapGet("/api/orders/{id}", (string id, HttpContext context) =>
{
    if (!orders.TryGetValue(id, out var stored))
    {
        return Results.NotFound();
    }

    context.Response.Headers.ETag = $"\"{stored.Version}\"";
    return Results.Ok(stored.Order);
});

app.MapGet("/api/orders", (int? limit) =>
{
    string[] newest;
    lock (created)
    {
        var count = Math.Min(Math.Clamp(limit ?? 50, 1, 200), created.Count);
        newest = [.. created.GetRange(created.Count - count, count)];
    }

    var page = newest.Reverse().Select(id => orders[id].Order).ToArray();
    return Results.Ok(new OrdersPage(page, null));
});

app.MapMethods("/api/orders/{id}", ["PATCH"], (string id, StatusInput input, HttpContext context) =>
{
    while (orders.TryGetValue(id, out var stored))
    {
        var allowed = (stored.Order.Status, input.Status) is ("new", "paid") or ("paid", "shipped") or ("new" or "paid", "cancelled");
        if (!allowed)
        {
            return Results.Conflict();
        }

        var changed = new StoredOrder(stored.Order with { Status = input.Status!, UpdatedAt = DateTime.UtcNow }, stored.Version + 1);
        if (orders.TryUpdate(id, changed, stored))
        {
            context.Response.Headers.ETag = $"\"{changed.Version}\"";
            return Results.Ok(changed.Order);
        }
    }

    return Results.NotFound();
});

await app.RunAsync();

namespace CleanSse.Competitors.Baseline
{
    public sealed record OrderInput(string? Customer, IReadOnlyList<ItemInput>? Items, string? Note);

    public sealed record ItemInput(string? Sku, int Quantity, decimal UnitPrice);

    public sealed record StatusInput(string? Status);

    public sealed record OrderItem(string Sku, int Quantity, decimal UnitPrice);

    public sealed record OrderView(
        string Id, string CustomerId, string Customer, IReadOnlyList<OrderItem> Items, string? Note, decimal Total, string Status,
        DateTime CreatedAt, DateTime UpdatedAt);

    public sealed record OrdersPage(IReadOnlyList<OrderView> Orders, string? Next);

    public sealed record StoredOrder(OrderView Order, long Version);

    [JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
    [JsonSerializable(typeof(OrderInput))]
    [JsonSerializable(typeof(StatusInput))]
    [JsonSerializable(typeof(OrderView))]
    [JsonSerializable(typeof(OrdersPage))]
    [JsonSerializable(typeof(Microsoft.AspNetCore.Http.HttpValidationProblemDetails))]
    public sealed partial class BaselineJsonContext : JsonSerializerContext;
}
