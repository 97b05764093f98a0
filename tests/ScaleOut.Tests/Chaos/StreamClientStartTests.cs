using System.Net.Http.Headers;
using CleanSse.Chaos;
using CleanSse.ScaleOut.Tests.TestKit;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests.Chaos;

/// <summary>
/// The chaos run's stream client as a fresh browser tab: a stream opened without <c>Last-Event-ID</c> starts at the
/// log's head, so what was committed before it is the client's to load when <c>connected</c> arrives. The PostgreSQL
/// run (seed 1603) lost the first orders of the run on the two clients whose first stream was cut, by an instance
/// SIGKILL, before it had delivered any event: they came back without an id, and nothing told them of those orders.
/// </summary>
public sealed class StreamClientStartTests
{
    private static readonly string[] Created = ["new"];

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_cut_before_its_first_event_still_learns_of_orders_created_before_its_next_stream()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(Token);
        await using var host = await ServiceHost.StartAsync(ScaleOutSettings.For(redis, database), cancellationToken: Token);
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", host.Clients.AccessToken);
        await using var client = new StreamClient(1, CuttingProxy.Start(host), () => http, host.Clients.AccessToken!);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var running = Task.Run(() => client.RunAsync(stop.Token), Token);
        try
        {
            await Eventually.HoldsAsync(() => client.Connections == 1, "the client's first stream is open", cancellationToken: Token);

            // Its first stream ends before any event reached it, and orders are created while it is away.
            client.Proxy.CutAndRefuse();
            var meanwhile = new List<ApiOrder>();
            for (var i = 0; i < 3; i++)
            {
                meanwhile.Add(await host.Orders.CreateAsync($"While away {i}", cancellationToken: Token));
            }

            client.Proxy.Resume();
            await Eventually.HoldsAsync(() => client.Connections >= 2, "the client opened its next stream", cancellationToken: Token);
            var after = await host.Orders.CreateAsync("After the return", cancellationToken: Token);
            await Eventually.HoldsAsync(
                () => client.StatusOf(after.Id, Created) == "new", "the order created after the return reached the client", cancellationToken: Token);

            foreach (var order in meanwhile)
            {
                client.StatusOf(order.Id, Created).ShouldBe("new", $"order {order.Id}, created while the client was away");
            }
        }
        finally
        {
            await stop.CancelAsync();
            await running;
        }
    }
}
