// SignalR: a hub that clients connect to over WebSockets (JSON protocol), and a POST that broadcasts each order to
// all of them through IHubContext. SignalR serializes the message once per protocol and writes it to every connection.
using System.Globalization;
using CleanSse.Competitors;
using Microsoft.AspNetCore.SignalR;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSignalR();
var app = builder.Build();

long nextEventId = 0;

app.UseWebSockets();
app.MapGet("/healthz", () => "ok");
app.MapHub<OrdersHub>("/api/events");

app.MapPost("/api/orders", async (OrderInput input, IHubContext<OrdersHub> hub) =>
{
    if (Orders.TryCreate(input) is not { } order)
    {
        return Results.BadRequest();
    }

    var eventId = Interlocked.Increment(ref nextEventId).ToString(CultureInfo.InvariantCulture);
    await hub.Clients.All.SendAsync("new-order", eventId, order);
    return Results.Created($"/api/orders/{order.Id}", order);
});

await app.RunAsync();

/// <summary>Clients only listen; the server pushes <c>new-order</c>.</summary>
internal sealed class OrdersHub : Hub;
