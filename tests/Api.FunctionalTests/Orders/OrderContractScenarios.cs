using System.Collections.Concurrent;
using System.Net;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Orders;

/// <summary>Scenarios that must hold on every store, run by the SQLite suites and by <see cref="PostgresOrderContractTests"/>.</summary>
internal static class OrderContractScenarios
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>
    /// Walks every page in small steps while other clients keep creating orders: every order that existed when the walk
    /// began is met exactly once, newest first, and nothing is met twice.
    /// </summary>
    public static async Task PagingWalksEveryOrderOnceWhileOrdersArriveAsync(ServiceHost host, int existing = 60)
    {
        for (var i = 0; i < existing; i++)
        {
            await host.Orders.CreateAsync($"before the walk {i}", cancellationToken: Cancellation);
        }

        var before = (await host.Orders.ListAllAsync("limit=200", Cancellation)).Select(order => order.Id).ToList();
        before.Count.ShouldBeGreaterThanOrEqualTo(existing);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var arrivals = new ConcurrentBag<string>();
        var writers = Enumerable.Range(0, 3).Select(writer => Task.Run(
            async () =>
            {
                using var http = host.CreateClient();
                var orders = new OrdersApiClient(http);
                for (var i = 0; !stop.IsCancellationRequested && i < 40; i++)
                {
                    arrivals.Add((await orders.CreateAsync($"during the walk {writer}/{i}", cancellationToken: Cancellation)).Id);
                }
            },
            Cancellation)).ToList();

        var walked = new List<string>();
        string? next = null;
        var pages = 0;
        do
        {
            var page = await host.Orders.ListPageAsync("limit=7", next, Cancellation);
            page.Orders.Count.ShouldBeLessThanOrEqualTo(7);
            walked.AddRange(page.Orders.Select(order => order.Id));
            next = page.Next;
            pages++;
        }
        while (next is not null);

        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // At least enough pages of seven to hold every order that existed: a count that is a multiple of seven fills
        // its last page exactly, so the bound is the ceiling, not one more than the floor.
        pages.ShouldBeGreaterThanOrEqualTo((before.Count + 6) / 7);
        walked.Distinct(StringComparer.Ordinal).Count().ShouldBe(walked.Count, "no order is met twice");
        walked.ShouldBe(walked.OrderByDescending(id => id, StringComparer.Ordinal).ToList(), "newest first");
        before.Except(walked, StringComparer.Ordinal).ShouldBeEmpty("every order that existed is met");
        walked.Except(before, StringComparer.Ordinal).Except(arrivals, StringComparer.Ordinal).ShouldBeEmpty();
        arrivals.Count.ShouldBeGreaterThan(0);
    }

    /// <summary>Twenty requests with one key at once: one order, one event, and every request answered with it.</summary>
    public static async Task RacingRepeatsCreateOneOrderAndOneEventAsync(ServiceHost host)
    {
        await using var stream = await SseReader.ConnectAsync(host);
        var customer = Names.Unique("raced");
        var body = OrdersApiClient.NewOrder(customer);
        var key = $"race-{Guid.NewGuid():N}";

        using var start = new SemaphoreSlim(0);
        var requests = Enumerable.Range(0, 20).Select(_ => Task.Run(
            async () =>
            {
                using var http = host.CreateClient();
                await start.WaitAsync(Cancellation);
                using var response = await new OrdersApiClient(http).PostAsync(body, key, Cancellation);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Cancellation), response.Headers.Location);
            },
            Cancellation)).ToList();
        start.Release(requests.Count);
        var answers = await Task.WhenAll(requests);

        answers.ShouldAllBe(answer => answer.StatusCode == HttpStatusCode.Created, string.Join("\n", answers.Select(answer => $"{(int)answer.StatusCode} {answer.Body}")));
        answers.Select(answer => answer.Body).Distinct(StringComparer.Ordinal).ShouldHaveSingleItem();
        answers.Select(answer => answer.Location).Distinct().ShouldHaveSingleItem();

        var stored = (await host.Orders.ListAllAsync("limit=200", Cancellation)).Where(order => order.Customer == customer).ToList();
        stored.ShouldHaveSingleItem();

        var sentinel = await host.Orders.CreateAsync(Names.Unique("sentinel"), cancellationToken: Cancellation);
        var events = await stream.ReadEventsAsync(2);
        events[0].EventType.ShouldBe("new-order");
        OrdersApiClient.SameJson(answers[0].Body, events[0].Data).ShouldBeTrue(stream.Transcript);
        OrdersApiClient.SameJson(sentinel.Json, events[1].Data).ShouldBeTrue($"one event for the raced order, then the sentinel's: {stream.Transcript}");
    }
}
