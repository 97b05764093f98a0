using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.ScaleOut.Tests.TestKit;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests;

/// <summary>The transactional outbox: an event committed with its order reaches the stream exactly once, whatever fails.</summary>
public sealed class OutboxRecoveryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_event_whose_append_died_after_the_commit_is_appended_once_by_the_next_instance()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(Token);
        var settings = ScaleOutSettings.For(redis, database);
        var previousHead = await redis.CreateEventLog().AppendAsync("marker", "{}", Token);

        ApiOrder order;
        string key;
        var faults = new FaultyEventLog.Switch(AppendFault.FailBeforeAppend);
        await using (var crashing = await ServiceHost.StartAsync(settings, configureServices: FaultyEventLog.Install(faults), cancellationToken: Token))
        {
            order = await crashing.Orders.CreateAsync("Committed, never published", cancellationToken: Token);

            var row = await database.OutboxRowAsync(order.Id, "order-created", Token);
            row.ShouldNotBeNull("the event is committed with the order");
            row.Value.Pending.ShouldBeTrue();
            key = row.Value.StreamKey;
            (await redis.CountEntriesWithKeyAsync(key)).ShouldBe(0);
            (await crashing.Orders.ListAsync(Token)).ShouldContain(listed => listed.Id == order.Id);
        }

        // Nothing was appended by the stopped instance, its sweep included.
        (await redis.CountEntriesWithKeyAsync(key)).ShouldBe(0);

        await using var recovered = await ServiceHost.StartAsync(settings, cancellationToken: Token);
        await Eventually.HoldsAsync(
            async () => await database.OutboxRowAsync(order.Id, "order-created", Token) is { Pending: false },
            "the next instance's first sweep to dispatch the waiting event",
            cancellationToken: Token);
        (await redis.CountEntriesWithKeyAsync(key)).ShouldBe(1);

        await using var client = await EventSourceRecorder.ConnectAsync(recovered, Token, lastEventId: previousHead.Id);
        var later = await recovered.Orders.CreateAsync(cancellationToken: Token);
        await client.WaitForNewOrdersAsync([order.Id, later.Id], Token);
        client.Resets.ShouldBeEmpty();
        client.NewOrders.Select(received => received.OrderId).ShouldBe([order.Id, later.Id]);
        (await redis.CountEntriesWithKeyAsync(key)).ShouldBe(1);
    }

    [Fact]
    public async Task When_the_publisher_and_the_sweep_both_append_an_event_the_stream_holds_it_once()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(Token);
        var settings = ScaleOutSettings.For(redis, database);
        settings["Outbox:PollInterval"] = "01:00:00";
        var faults = new FaultyEventLog.Switch(AppendFault.None);
        await using var host = await ServiceHost.StartAsync(settings, configureServices: FaultyEventLog.Install(faults), cancellationToken: Token);
        await using var client = await EventSourceRecorder.ConnectAsync(host, Token);

        // The publisher's append lands but it never learns so: the order's outbox row stays pending.
        faults.Fault = AppendFault.LoseAnswer;
        var order = await host.Orders.CreateAsync(cancellationToken: Token);
        faults.Fault = AppendFault.None;
        var row = await database.OutboxRowAsync(order.Id, "order-created", Token);
        row!.Value.Pending.ShouldBeTrue();
        var key = row.Value.StreamKey;
        (await redis.CountEntriesWithKeyAsync(key)).ShouldBe(1);

        // The sweep appends it again.
        var swept = await host.HostedService<OutboxDispatcher>().DispatchPendingAsync(DateTimeOffset.UtcNow.AddMinutes(1), 100, Token);

        swept.ShouldBe(1);
        (await database.OutboxRowAsync(order.Id, "order-created", Token))!.Value.Pending.ShouldBeFalse();
        (await redis.CountEntriesWithKeyAsync(key)).ShouldBe(1);
        var later = await host.Orders.CreateAsync(cancellationToken: Token);
        await client.WaitForNewOrdersAsync([order.Id, later.Id], Token);
        client.NewOrders.Select(received => received.OrderId).ShouldBe([order.Id, later.Id]);

        // Nothing is left for a later sweep.
        (await host.HostedService<OutboxDispatcher>().DispatchPendingAsync(DateTimeOffset.UtcNow.AddMinutes(1), 100, Token)).ShouldBe(0);
    }
}
