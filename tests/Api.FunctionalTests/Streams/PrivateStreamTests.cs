using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.TestKit;
using static CleanSse.TestKit.PrivateStreamTraffic;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>
/// Every stream carries only the events its user may see: two customers and staff under interleaved load, live,
/// through a proxy that cuts every stream, and resuming from an id of another customer's event.
/// </summary>
public sealed class PrivateStreamTests(PrivateStreamFixture fixture) : IClassFixture<PrivateStreamFixture>
{
    // 2 customers x 250 orders: 500 created, 167 cancelled by their customers, 333 paid and 333 shipped by staff.
    private const int OrdersPerCustomer = 250;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private ServiceHost Host => fixture.Host;

    [Fact]
    public async Task Under_interleaved_load_each_customer_gets_exactly_its_own_events_in_order_and_staff_all()
    {
        await using var staff = await EventSourceRecorder.ConnectAsync(Host, Token);
        var (alice, bob, before) = await RegisterCustomersAsync(staff);
        using var _ = alice;
        using var __ = bob;
        await using var aliceStream = await ConnectAsync([Host], alice);
        await using var bobStream = await ConnectAsync([Host], bob);

        var published = await RunAsync(Host.Orders, [alice, bob], OrdersPerCustomer, afterStep: null, Token);
        published.ShouldBeGreaterThanOrEqualTo(1000);

        await ShouldBeIsolatedAsync(staff, before, published, [(alice, aliceStream), (bob, bobStream)], Token);
        Host.GetRequiredService<SseConnectionHub>().CustomerCount.ShouldBe(2);
    }

    [Fact]
    public async Task Across_proxy_cuts_each_customer_resumes_with_only_its_own_events_once_and_in_order()
    {
        await using var staff = await EventSourceRecorder.ConnectAsync(Host, Token);
        var (alice, bob, before) = await RegisterCustomersAsync(staff);
        using var _ = alice;
        using var __ = bob;
        await using var proxy = CuttingProxy.Start(Host);
        var proxied = new ProxiedService(proxy.BaseAddress, Host);
        await using var aliceStream = await ConnectAsync([proxied], alice);
        await using var bobStream = await ConnectAsync([proxied], bob);

        // Every 150 steps both streams are cut, and stay away while more events are published for them to replay. Their
        // reconnects are held until the proxy forwards again: this test is about what they resume, not about refusals.
        var cuts = 0;
        var published = await RunAsync(Host.Orders, [alice, bob], OrdersPerCustomer, async step =>
        {
            if (step % 150 == 0)
            {
                aliceStream.PauseReconnects();
                bobStream.PauseReconnects();
                proxy.CutAndRefuse();
                proxy.Resume();
                Interlocked.Increment(ref cuts);
                await Task.Delay(150, Token);
                aliceStream.ResumeReconnects();
                bobStream.ResumeReconnects();
            }
        }, Token);

        await ShouldBeIsolatedAsync(staff, before, published, [(alice, aliceStream), (bob, bobStream)], Token);
        cuts.ShouldBeGreaterThan(3);
        aliceStream.Connections.ShouldBeGreaterThan(1, aliceStream.Describe());
        bobStream.Connections.ShouldBeGreaterThan(1, bobStream.Describe());
        aliceStream.Resets.ShouldBeEmpty();
        bobStream.Resets.ShouldBeEmpty();
    }

    [Fact]
    public async Task A_customer_resuming_from_an_id_of_another_customers_event_gets_only_its_own_later_events()
    {
        await using var staff = await EventSourceRecorder.ConnectAsync(Host, Token);
        var (alice, bob, before) = await RegisterCustomersAsync(staff);
        using var _ = alice;
        using var __ = bob;
        var published = await RunAsync(Host.Orders, [alice, bob], 12, afterStep: null, Token);
        await staff.WaitForEventsAsync(events => OrderEvents(events).Count >= before + published, "staff to see every event", Token);
        var history = OrderEvents(staff.Events);

        // The resume point is one of Bob's events, early on: Alice's stream must replay her events after it, nothing else.
        var bobsEvent = history.Skip(before).First(received => OwnerOf(received) == bob.Id);
        await using var aliceStream = EventSourceRecorder.Start([Host], lastEventId: bobsEvent.Id, accessToken: alice.AccessToken);
        await aliceStream.WaitForConnectionsAsync(1, Token);
        var later = await RunAsync(Host.Orders, [alice, bob], 6, afterStep: null, Token);
        await staff.WaitForEventsAsync(events => OrderEvents(events).Count >= before + published + later, "staff to see the later events", Token);

        var expected = OrderEvents(staff.Events)
            .SkipWhile(received => received.Id != bobsEvent.Id).Skip(1)
            .Where(received => OwnerOf(received) == alice.Id)
            .Select(received => received.Id)
            .ToList();
        expected.Count.ShouldBeGreaterThan(10);
        await aliceStream.WaitForEventsAsync(events => events.Count >= expected.Count, $"{expected.Count} events for Alice", Token);
        aliceStream.Resets.ShouldBeEmpty(aliceStream.Describe());
        aliceStream.Events.Select(received => received.Id).ShouldBe(expected);
        aliceStream.Events.ShouldAllBe(received => OwnerOf(received) == alice.Id);
    }

    [Fact]
    public async Task A_customer_with_an_unknown_id_is_told_to_reset_and_then_gets_only_its_own_events()
    {
        await using var staff = await EventSourceRecorder.ConnectAsync(Host, Token);
        var (alice, bob, before) = await RegisterCustomersAsync(staff);
        using var _ = alice;
        using var __ = bob;
        await using var aliceStream = EventSourceRecorder.Start([Host], lastEventId: "unknown-42", accessToken: alice.AccessToken);
        await aliceStream.WaitForConnectionsAsync(1, Token);
        await aliceStream.WaitForEventsAsync(events => events.Count >= 1, "the reset", Token);

        var published = await RunAsync(Host.Orders, [alice, bob], 6, afterStep: null, Token);
        await staff.WaitForEventsAsync(events => OrderEvents(events).Count >= before + published, "staff to see every event", Token);
        var expected = OrderEvents(staff.Events).Skip(before).Where(received => OwnerOf(received) == alice.Id).Select(received => received.Id).ToList();
        await aliceStream.WaitForEventsAsync(events => events.Count >= 1 + expected.Count, $"{expected.Count} events for Alice", Token);

        aliceStream.Events[0].Type.ShouldBe("reset");
        aliceStream.Events.Skip(1).Select(received => received.Id).ShouldBe(expected);
    }

    private static async Task<EventSourceRecorder> ConnectAsync(IReadOnlyList<IRunningService> services, StreamCustomer customer)
    {
        var recorder = EventSourceRecorder.Start(services, accessToken: customer.AccessToken);
        await recorder.WaitForConnectionsAsync(1, Token);
        return recorder;
    }

    /// <summary>
    /// Two new customers, each with a first order; returns once staff have seen those orders, with how many order
    /// events staff had by then (the streams opened afterwards start after them).
    /// </summary>
    private async Task<(StreamCustomer Alice, StreamCustomer Bob, int Before)> RegisterCustomersAsync(EventSourceRecorder staff)
    {
        var (alice, aliceFirst) = await StreamCustomer.RegisterAsync(Host, "alice", Token);
        var (bob, bobFirst) = await StreamCustomer.RegisterAsync(Host, "bob", Token);
        alice.Id.ShouldNotBe(bob.Id);
        await staff.WaitForNewOrdersAsync([aliceFirst.Id, bobFirst.Id], Token);
        return (alice, bob, OrderEvents(staff.Events).Count);
    }

    /// <summary>A service reached through a proxy: clients connect to the proxy, with the service's credentials.</summary>
    private sealed class ProxiedService(Uri proxy, IRunningService service) : IRunningService
    {
        public Uri BaseAddress => proxy;

        public ServiceClients Clients => service.Clients;

        public HttpClient Http => service.Http;

        public OrdersApiClient Orders => service.Orders;
    }
}

/// <summary>A service of its own, so the other stream tests' events do not mix with these.</summary>
public sealed class PrivateStreamFixture : ServiceHostFixture;
