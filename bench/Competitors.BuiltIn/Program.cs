// .NET 10's built-in SSE result: TypedResults.ServerSentEvents over an IAsyncEnumerable that reads a Channel per
// client. The POST serializes the order once and writes the same SseItem to every channel without waiting; the
// framework formats and flushes each item on each stream. The channels are unbounded, as in the usual sample.
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using CleanSse.Competitors;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
var app = builder.Build();

var clients = new ConcurrentDictionary<Guid, Channel<SseItem<string>>>();
long nextEventId = 0;

app.MapGet("/healthz", () => "ok");

app.MapGet("/api/events", (CancellationToken cancellationToken) =>
{
    var channel = Channel.CreateUnbounded<SseItem<string>>(new UnboundedChannelOptions { SingleReader = true });
    channel.Writer.TryWrite(new SseItem<string>("{\"type\":\"connected\"}"));
    var id = Guid.NewGuid();
    clients[id] = channel;
    return TypedResults.ServerSentEvents(ReadAsync(id, channel.Reader, cancellationToken));
});

app.MapPost("/api/orders", (OrderInput input) =>
{
    if (Orders.TryCreate(input) is not { } order)
    {
        return Results.BadRequest();
    }

    var json = JsonSerializer.Serialize(order, OrderJsonContext.Default.Order);
    var eventId = Interlocked.Increment(ref nextEventId).ToString(CultureInfo.InvariantCulture);
    var item = new SseItem<string>(json, "new-order") { EventId = eventId };
    foreach (var (_, channel) in clients)
    {
        channel.Writer.TryWrite(item);
    }

    return Results.Created($"/api/orders/{order.Id}", order);
});

await app.RunAsync();

async IAsyncEnumerable<SseItem<string>> ReadAsync(
    Guid id, ChannelReader<SseItem<string>> reader, [EnumeratorCancellation] CancellationToken cancellationToken)
{
    try
    {
        await foreach (var item in reader.ReadAllAsync(cancellationToken))
        {
            yield return item;
        }
    }
    finally
    {
        clients.TryRemove(id, out _);
    }
}
