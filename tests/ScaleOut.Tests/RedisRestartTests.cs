using System.Collections.Concurrent;
using System.Net;
using CleanSse.ScaleOut.Tests.TestKit;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests;

/// <summary>Redis goes away and comes back (with its data) while orders keep coming in.</summary>
public sealed class RedisRestartTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_accepted_order_reaches_a_connected_client_once_across_a_Redis_restart()
    {
        await using var server = await PrivateRedisServer.StartAsync(Token);
        await using var redis = await RedisTestKeys.CreateAsync(server.ConnectionString);
        await using var database = await TestDatabase.CreateAsync(Token);
        var settings = ScaleOutSettings.For(redis, database);
        settings["Outbox:PollInterval"] = "00:00:00.250";
        settings["Outbox:Grace"] = "00:00:01";
        await using var host = await ServiceHost.StartAsync(settings, cancellationToken: Token);
        await using var client = await EventSourceRecorder.ConnectAsync(host, Token);

        // A steady stream of orders, one after another, for the whole test.
        var accepted = new ConcurrentQueue<string>();
        var refused = new ConcurrentQueue<string>();
        using var stopPosting = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var posting = Task.Run(() => PostSteadilyAsync(host.Orders, accepted, refused, stopPosting.Token), Token);

        await client.WaitForEventsAsync(events => events.Count(received => received.Type == "new-order") >= 5, "orders flowing", Token);

        Progress.Note($"{accepted.Count} orders accepted; shutting Redis down");
        await server.ShutdownAsync(Token);

        // Still ready: orders are accepted and their events wait in the outbox, so a load balancer keeps the instance.
        await Eventually.HoldsAsync(
            async () => await HealthAsync(host) == (HttpStatusCode.OK, "Degraded"),
            "/healthz to report 200 and Degraded while Redis is down",
            cancellationToken: Token);
        Progress.Note("/healthz reports 200, Degraded");
        var acceptedBeforeOutage = accepted.Count;

        // A browser that comes back during the outage: its streams end until Redis answers, and it keeps retrying.
        var returnedFrom = client.LastEventId!;
        await using var returning = EventSourceRecorder.Start(host, returnedFrom);
        var whileDown = await host.Orders.CreateAsync("While Redis is down", cancellationToken: Token);
        Progress.Note("an order was accepted while Redis is down");
        accepted.Enqueue(whileDown.Id);
        await Eventually.HoldsAsync(
            () => accepted.Count >= acceptedBeforeOutage + 2,
            "the steady poster to get an order accepted while Redis is down",
            cancellationToken: Token);
        server.IsRunning.ShouldBeFalse();

        Progress.Note($"{accepted.Count} orders accepted; starting Redis again");
        await server.StartAgainAsync(Token);
        await Eventually.HoldsAsync(
            async () => await HealthAsync(host) == (HttpStatusCode.OK, "Healthy"),
            "/healthz to report 200 and Healthy once Redis is back",
            cancellationToken: Token);
        var acceptedAfterRestart = accepted.Count;
        Progress.Note("/healthz reports 200");
        await Eventually.HoldsAsync(
            () => accepted.Count >= acceptedAfterRestart + 5,
            "more orders after the restart",
            cancellationToken: Token);

        await stopPosting.CancelAsync();
        await posting;
        Progress.Note($"{accepted.Count} orders accepted in all");

        refused.ShouldBeEmpty("POST /api/orders answers 201 whether or not Redis is up");
        var expected = accepted.ToList();
        await client.WaitForNewOrdersAsync(expected, Token, TimeSpan.FromSeconds(60));

        Progress.Note("the client has every order");
        client.Resets.ShouldBeEmpty(client.Describe());
        var missedByReturning = client.NewOrders.SkipWhile(received => received.Id != returnedFrom).Skip(1).Select(received => received.OrderId!).ToList();
        await returning.WaitForNewOrdersAsync(missedByReturning, Token);
        returning.Resets.ShouldBeEmpty(returning.Describe());
        returning.NewOrders.Select(received => received.OrderId!).ShouldBe(missedByReturning, "once each, in the stream's order");
        var delivered = client.NewOrders.Select(received => received.OrderId!).ToList();
        delivered.Count.ShouldBe(expected.Count, "each accepted order exactly once: " + client.Describe());
        delivered.ShouldBe(expected, ignoreOrder: true);
        client.NewOrders.Select(received => received.Id).Distinct().Count().ShouldBe(expected.Count);
        foreach (var id in expected)
        {
            var row = await database.OutboxRowAsync(id, "order-created", Token);
            (await redis.CountEntriesWithKeyAsync(row!.Value.StreamKey)).ShouldBe(1, $"order {id} is in the stream once");
        }

        await Eventually.HoldsAsync(
            async () => await database.ScalarAsync<long>("""SELECT count(*) FROM "OutboxMessages" WHERE "DispatchedAt" IS NULL""", Token) == 0,
            "every outbox row is marked published",
            cancellationToken: Token);
    }

    private static async Task PostSteadilyAsync(
        OrdersApiClient orders, ConcurrentQueue<string> accepted, ConcurrentQueue<string> refused, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                // Not cancelled midway: a request cut off after its commit would be an order nobody knows was accepted.
                using var response = await orders.PostAsync(OrdersApiClient.NewOrder(), CancellationToken.None);
                var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    using var document = System.Text.Json.JsonDocument.Parse(body);
                    accepted.Enqueue(document.RootElement.GetProperty("id").GetString()!);
                }
                else
                {
                    refused.Enqueue($"{(int)response.StatusCode}: {body}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private static async Task<(HttpStatusCode Status, string? Health)> HealthAsync(ServiceHost host)
    {
        using var response = await host.Http.GetAsync(new Uri("/healthz", UriKind.Relative), Token);
        using var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        return (response.StatusCode, body.RootElement.GetProperty("status").GetString());
    }
}
