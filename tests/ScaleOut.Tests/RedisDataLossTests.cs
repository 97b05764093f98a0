using System.Net;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests;

/// <summary>
/// Redis loses what it held (a restart without persistence) or is away while orders keep coming: no stream silently
/// misses an event, and an order's events reach every stream in the order they were committed.
/// </summary>
public sealed class RedisDataLossTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Events_Redis_held_when_it_restarted_empty_still_reach_connected_and_resuming_streams()
    {
        await using var server = await PrivateRedisServer.StartAsync(Token, persistent: false);
        await using var redis = await RedisTestKeys.CreateAsync(server.ConnectionString);
        await using var database = await TestDatabase.CreateAsync(Token);
        var settings = ScaleOutSettings.For(redis, database);
        settings["Outbox:PollInterval"] = "00:00:00.250";
        await using var host = await ServiceHost.StartAsync(settings, cancellationToken: Token);
        await using var connected = await EventSourceRecorder.ConnectAsync(host, Token);

        var a = await host.Orders.CreateAsync("A", cancellationToken: Token);
        await connected.WaitForNewOrdersAsync([a.Id], Token);
        var resumeFrom = connected.LastEventId!;

        // The live reader is cut off, so B is in Redis (and dispatched) but not yet read by this process.
        (await server.KillClientsAsync("cleansse-live-reader")).ShouldBeGreaterThan(0);
        var b = await host.Orders.CreateAsync("B", cancellationToken: Token);
        // B's request answered once B was appended; its row is marked just after.
        await Eventually.HoldsAsync(
            async () => (await database.OutboxRowAsync(b.Id, "order-created", Token))!.Value.Pending == false,
            "B appended and marked before Redis goes away",
            cancellationToken: Token);

        Progress.Note("killing Redis, which comes back empty");
        await server.KillAsync();
        await server.StartAgainAsync(Token);
        await Eventually.HoldsAsync(
            async () => await HealthAsync(host) == (HttpStatusCode.OK, "Healthy"),
            "/healthz/ready to report Healthy once Redis is back",
            cancellationToken: Token);
        await Task.Delay(TimeSpan.FromSeconds(2), Token);

        var c = await host.Orders.CreateAsync("C", cancellationToken: Token);
        await using var resuming = await EventSourceRecorder.ConnectAsync(host, Token, lastEventId: resumeFrom);
        await connected.WaitForNewOrdersAsync([c.Id], Token, TimeSpan.FromSeconds(20));
        await resuming.WaitForEventsAsync(
            events => events.Any(received => received.Type == "reset" || received.OrderId == c.Id),
            "C or a reset",
            Token);

        // The outbox still holds A and B, so the log is rebuilt with their ids and both streams go on exactly.
        connected.Resets.ShouldBeEmpty(connected.Describe());
        connected.NewOrders.Select(received => received.OrderId).ShouldBe([a.Id, b.Id, c.Id], connected.Describe());
        resuming.Resets.ShouldBeEmpty(resuming.Describe());
        await resuming.WaitForNewOrdersAsync([b.Id, c.Id], Token);
        resuming.NewOrders.Select(received => received.OrderId).ShouldBe([b.Id, c.Id], resuming.Describe());
    }

    [Fact]
    public async Task A_change_made_once_Redis_is_back_never_overtakes_the_creation_that_waited_in_the_outbox()
    {
        await using var server = await PrivateRedisServer.StartAsync(Token);
        await using var redis = await RedisTestKeys.CreateAsync(server.ConnectionString);
        await using var database = await TestDatabase.CreateAsync(Token);
        await using var host = await ServiceHost.StartAsync(ScaleOutSettings.For(redis, database), cancellationToken: Token);
        await using var client = await EventSourceRecorder.ConnectAsync(host, Token);
        var first = await host.Orders.CreateAsync("Before the outage", cancellationToken: Token);
        await client.WaitForNewOrdersAsync([first.Id], Token);

        await server.ShutdownAsync(Token);
        await Eventually.HoldsAsync(
            async () => await HealthAsync(host) == (HttpStatusCode.OK, "Degraded"),
            "/healthz/ready to report Degraded (still ready) while Redis is down",
            cancellationToken: Token);
        var order = await host.Orders.CreateAsync("Made while Redis was down", cancellationToken: Token);

        await server.StartAgainAsync(Token);
        await Eventually.HoldsAsync(
            async () => await HealthAsync(host) == (HttpStatusCode.OK, "Healthy"),
            "/healthz/ready to report Healthy once Redis is back",
            cancellationToken: Token);
        await host.Orders.ChangeStatusAsync(order.Id, "paid", Token);

        await client.WaitForEventsAsync(
            events => events.Count(received => received.OrderId == order.Id) >= 2,
            "both events of the order",
            Token);
        client.Events.Where(received => received.OrderId == order.Id).Select(received => received.Type)
            .ShouldBe(["new-order", "order-updated"], client.Describe());
    }

    private static async Task<(HttpStatusCode Status, string? Health)> HealthAsync(ServiceHost host)
    {
        using var response = await host.Http.GetAsync(new Uri("/healthz/ready", UriKind.Relative), Token);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        return (response.StatusCode, body.RootElement.GetProperty("status").GetString());
    }
}
