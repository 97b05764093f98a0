using CleanSse.ScaleOut.Tests.TestKit;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests;

/// <summary>Two instances of the service in one process, sharing a Redis and a PostgreSQL database.</summary>
public sealed class ScaledOutInstancesTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_order_posted_to_either_instance_reaches_the_streams_of_both_with_the_same_id()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(Token);
        await using var a = await ServiceHost.StartAsync(ScaleOutSettings.For(redis, database), cancellationToken: Token);
        await using var b = await ServiceHost.StartAsync(ScaleOutSettings.For(redis, database), cancellationToken: Token);
        await using var onA = await EventSourceRecorder.ConnectAsync(a, Token);
        await using var onB = await EventSourceRecorder.ConnectAsync(b, Token);

        var postedToA = await a.Orders.CreateAsync("Ada", cancellationToken: Token);
        var postedToB = await b.Orders.CreateAsync("Grace", cancellationToken: Token);
        await b.Orders.ChangeStatusAsync(postedToA.Id, "paid", Token);

        foreach (var client in new[] { onA, onB })
        {
            await client.WaitForEventsAsync(
                events => events.Count(received => received.Type is "new-order" or "order-updated") == 3,
                "both orders and the status change",
                Token);
        }

        var seenOnA = onA.Events.Select(received => (received.Type, received.Id, received.OrderId)).ToList();
        var seenOnB = onB.Events.Select(received => (received.Type, received.Id, received.OrderId)).ToList();
        seenOnB.ShouldBe(seenOnA, "both instances stream the same events, with the same ids, in the same order");
        seenOnA.Select(seen => (seen.Type, seen.OrderId)).ShouldBe(
        [
            ("new-order", postedToA.Id),
            ("new-order", postedToB.Id),
            ("order-updated", postedToA.Id),
        ]);
        seenOnA.ShouldAllBe(seen => !string.IsNullOrEmpty(seen.Id));
        onA.Resets.ShouldBeEmpty();
        onB.Resets.ShouldBeEmpty();

        var listedByA = await a.Orders.ListAsync(Token);
        var listedByB = await b.Orders.ListAsync(Token);
        listedByA.Select(order => order.Id).ShouldBe([postedToB.Id, postedToA.Id]);
        listedByB.ShouldBe(listedByA);
        listedByB.Single(order => order.Id == postedToA.Id).Status.ShouldBe("paid");
    }

    [Fact]
    public async Task A_client_resumes_on_the_other_instance_from_an_id_the_first_one_gave_it()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(Token);
        await using var a = await ServiceHost.StartAsync(ScaleOutSettings.For(redis, database), cancellationToken: Token);
        await using var b = await ServiceHost.StartAsync(ScaleOutSettings.For(redis, database), cancellationToken: Token);

        string lastSeenOnA;
        await using (var onA = await EventSourceRecorder.ConnectAsync(a, Token))
        {
            var seen = await a.Orders.CreateAsync(cancellationToken: Token);
            await onA.WaitForNewOrdersAsync([seen.Id], Token);
            lastSeenOnA = onA.LastEventId!;
        }

        var missed = new[] { await a.Orders.CreateAsync(cancellationToken: Token), await b.Orders.CreateAsync(cancellationToken: Token) };

        await using var onB = await EventSourceRecorder.ConnectAsync(b, Token, lastEventId: lastSeenOnA);
        await onB.WaitForNewOrdersAsync(missed.Select(order => order.Id), Token);
        onB.Resets.ShouldBeEmpty();
        onB.NewOrders.Select(received => received.OrderId).ShouldBe(missed.Select(order => order.Id));
    }
}
