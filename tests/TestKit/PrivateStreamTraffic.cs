using System.Text.Json;

namespace CleanSse.TestKit;

/// <summary>A registered, signed-in customer of one service: its token, its user id, and its orders client.</summary>
public sealed record StreamCustomer(string Name, string AccessToken, string Id, OrdersApiClient Orders) : IDisposable
{
    /// <summary>Registers a new customer, signs it in, and learns its id from the order it places first.</summary>
    public static async Task<(StreamCustomer Customer, ApiOrder FirstOrder)> RegisterAsync(IRunningService service, string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(service);
        var user = TestUsers.NewCustomer(name);
        await service.Clients.RegisterAsync(user, cancellationToken);
        var token = await service.Clients.LoginAsync(user, cancellationToken);
        var orders = new OrdersApiClient(service.Clients.CreateFor(token));
        var first = await orders.CreateAsync(cancellationToken: cancellationToken);
        return (new StreamCustomer(name, token, PrivateStreamTraffic.CustomerIdOf(first.Json), orders), first);
    }

    /// <summary>The same customer, placing its orders on <paramref name="service"/> from now on.</summary>
    public StreamCustomer On(IRunningService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return this with { Orders = new OrdersApiClient(service.Clients.CreateFor(AccessToken)) };
    }

    public void Dispose() => Orders.Http.Dispose();
}

/// <summary>
/// Orders of several customers interleaved: each customer places orders and cancels some of its own, staff pay and
/// ship the others; every step is one event on the stream, owned by the order's customer.
/// </summary>
public static class PrivateStreamTraffic
{
    public static string CustomerIdOf(string orderJson)
    {
        using var document = JsonDocument.Parse(orderJson);
        return document.RootElement.GetProperty("customerId").GetString()
            ?? throw new InvalidOperationException($"No customerId in {orderJson}");
    }

    /// <summary>The order events among <paramref name="events"/> (not the <c>reset</c> ones).</summary>
    public static IReadOnlyList<ReceivedEvent> OrderEvents(IEnumerable<ReceivedEvent> events) =>
        [.. events.Where(received => received.Type is "new-order" or "order-updated")];

    public static string OwnerOf(ReceivedEvent received)
    {
        ArgumentNullException.ThrowIfNull(received);
        return CustomerIdOf(received.Data);
    }

    /// <summary>
    /// Runs <paramref name="ordersPerCustomer"/> orders for each customer at once, and returns how many events they
    /// published; <paramref name="afterStep"/> is called after each customer's step (e.g. to cut a connection).
    /// </summary>
    public static async Task<int> RunAsync(
        OrdersApiClient staff,
        IReadOnlyList<StreamCustomer> customers,
        int ordersPerCustomer,
        Func<int, Task>? afterStep,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staff);
        ArgumentNullException.ThrowIfNull(customers);
        var steps = 0;
        var published = 0;
        async Task StepAsync()
        {
            Interlocked.Increment(ref published);
            var step = Interlocked.Increment(ref steps);
            if (afterStep is not null)
            {
                await afterStep(step);
            }
        }

        async Task RunCustomerAsync(StreamCustomer customer)
        {
            for (var i = 0; i < ordersPerCustomer; i++)
            {
                var order = await customer.Orders.CreateAsync(cancellationToken: cancellationToken);
                await StepAsync();
                if (i % 3 == 0)
                {
                    await customer.Orders.ChangeStatusAsync(order.Id, "cancelled", cancellationToken);
                    await StepAsync();
                }
                else
                {
                    await staff.ChangeStatusAsync(order.Id, "paid", cancellationToken);
                    await StepAsync();
                    await staff.ChangeStatusAsync(order.Id, "shipped", cancellationToken);
                    await StepAsync();
                }
            }
        }

        await Task.WhenAll(customers.Select(customer => Task.Run(() => RunCustomerAsync(customer), cancellationToken)));
        return published;
    }

    /// <summary>
    /// Staff got every event published after the first <paramref name="before"/> once; each customer got exactly its
    /// own, in the log's order (staff's order), none twice, none of another's.
    /// </summary>
    public static async Task ShouldBeIsolatedAsync(
        EventSourceRecorder staff,
        int before,
        int published,
        IReadOnlyList<(StreamCustomer Customer, EventSourceRecorder Stream)> customers,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(staff);
        ArgumentNullException.ThrowIfNull(customers);
        await staff.WaitForEventsAsync(events => OrderEvents(events).Count >= before + published, $"staff to see {published} events", cancellationToken);
        var all = OrderEvents(staff.Events).Skip(before).ToList();
        all.Count.ShouldBe(published, staff.Describe());
        all.Select(received => received.Id).Distinct().Count().ShouldBe(published);

        foreach (var (customer, stream) in customers)
        {
            var expected = all.Where(received => OwnerOf(received) == customer.Id).Select(received => received.Id).ToList();
            expected.Count.ShouldBeGreaterThan(published / 3);
            await stream.WaitForEventsAsync(
                events => OrderEvents(events).Count >= expected.Count,
                $"{expected.Count} events for {customer.Name}",
                cancellationToken);

            // A moment more: anything sent that should not have been would arrive now.
            await Task.Delay(200, cancellationToken);
            var received = OrderEvents(stream.Events);
            received.Where(e => OwnerOf(e) != customer.Id).ShouldBeEmpty($"{customer.Name} got another customer's events");
            received.Select(e => e.Id).ToList().ShouldBe(expected, $"{customer.Name}: every own event once, in order");
        }
    }
}
