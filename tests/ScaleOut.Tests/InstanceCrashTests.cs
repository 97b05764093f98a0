using CleanSse.ScaleOut.Tests.TestKit;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests;

/// <summary>Two instances as two processes; one dies without warning while a client is connected to it.</summary>
public sealed class InstanceCrashTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_client_of_a_killed_instance_resumes_on_the_other_and_gets_every_order_created_meanwhile_once()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(Token);
        var environment = ScaleOutSettings.EnvironmentFor(redis, database);

        // Started together, on a database neither has migrated yet.
        var (first, second) = await ServiceProcess.LaunchPairAsync(environment, Token);
        await using var a = first;
        await using var b = second;
        Progress.Note($"instances A {a.BaseAddress} and B {b.BaseAddress} are up");

        // The client sees the two instances as a load balancer would: A first, the next one when A fails.
        await using var client = EventSourceRecorder.Start([a, b]);
        await client.WaitForConnectionsAsync(1, Token);
        var before = new[] { await a.Orders.CreateAsync(cancellationToken: Token), await b.Orders.CreateAsync(cancellationToken: Token) };
        await client.WaitForNewOrdersAsync(before.Select(order => order.Id), Token);
        client.NewOrders.ShouldAllBe(received => received.Server == a.BaseAddress && received.Connection == 1);
        Progress.Note($"the client has the first orders from A, up to {client.LastEventId}");

        // SIGKILL while the stream is open; the client holds its reconnection until the orders below exist.
        client.PauseReconnects();
        await a.KillAsync();
        await client.WaitForDisconnectsAsync(1, Token);
        Progress.Note("A is killed and the client's stream broke");
        var meanwhile = new List<ApiOrder>();
        for (var i = 0; i < 5; i++)
        {
            meanwhile.Add(await b.Orders.CreateAsync(cancellationToken: Token));
        }

        client.ResumeReconnects();
        await client.WaitForConnectionsAsync(2, Token);
        Progress.Note("the client reconnected");
        var after = await b.Orders.CreateAsync(cancellationToken: Token);

        var all = before.Concat(meanwhile).Append(after).Select(order => order.Id).ToList();
        await client.WaitForNewOrdersAsync(all, Token);

        client.Resets.ShouldBeEmpty(client.Describe());
        client.NewOrders.Select(received => received.OrderId).ShouldBe(all, "every order once, in order: " + client.Describe());
        client.NewOrders.Select(received => received.Id).Distinct().Count().ShouldBe(all.Count);
        var resumed = client.NewOrders.Where(received => received.Connection == 2).ToList();
        resumed.ShouldAllBe(received => received.Server == b.BaseAddress);
        resumed.Select(received => received.OrderId).ShouldBe(meanwhile.Select(order => order.Id).Append(after.Id));
    }
}
