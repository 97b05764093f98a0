// The naive recipe found in most SSE guides: remember every open HttpResponse in a dictionary, and inside the POST
// write the event to each of them in turn, awaiting every write and flush. One slow client holds up the loop, and
// with it the POST and every client after it.
using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using CleanSse.Competitors;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();

var clients = new ConcurrentDictionary<Guid, HttpResponse>();
long nextEventId = 0;

app.MapGet("/healthz", () => "ok");

app.MapGet("/api/events", async (HttpContext context) =>
{
    var response = context.Response;
    response.ContentType = "text/event-stream";
    response.Headers.CacheControl = "no-cache";
    await response.WriteAsync("data: {\"type\":\"connected\"}\n\n", context.RequestAborted);
    await response.Body.FlushAsync(context.RequestAborted);

    var id = Guid.NewGuid();
    clients[id] = response;
    try
    {
        await Task.Delay(Timeout.Infinite, context.RequestAborted);
    }
    catch (OperationCanceledException)
    {
    }
    finally
    {
        clients.TryRemove(id, out _);
    }
});

app.MapPost("/api/orders", async (OrderInput input) =>
{
    if (Orders.TryCreate(input) is not { } order)
    {
        return Results.BadRequest();
    }

    var json = JsonSerializer.Serialize(order, OrderJsonContext.Default.Order);
    var eventId = Interlocked.Increment(ref nextEventId).ToString(CultureInfo.InvariantCulture);
    foreach (var (id, response) in clients)
    {
        try
        {
            await response.WriteAsync($"event: new-order\nid: {eventId}\ndata: {json}\n\n");
            await response.Body.FlushAsync();
        }
        catch (Exception)
        {
            clients.TryRemove(id, out _);
        }
    }

    return Results.Created($"/api/orders/{order.Id}", order);
});

await app.RunAsync();
