using System.Net;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Orders;

public sealed class IdempotencyFixture : ServiceHostFixture;

/// <summary><c>Idempotency-Key</c> on <c>POST /api/orders</c> (SPEC section 2).</summary>
public sealed class IdempotencyTests(IdempotencyFixture fixture) : IClassFixture<IdempotencyFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private OrdersApiClient Orders => fixture.Host.Orders;

    private static string NewKey() => $"key-{Guid.NewGuid():N}";

    [Fact]
    public async Task A_retried_post_answers_the_first_response_and_creates_one_order_and_one_event()
    {
        // Regression: a retried POST created a second order and a second event.
        await using var stream = await SseReader.ConnectAsync(fixture.Host);
        var body = OrdersApiClient.NewOrder(Names.Unique("retried"));
        var key = NewKey();

        using var first = await Orders.PostAsync(body, key, Cancellation);
        var firstJson = await OrdersApiClient.ShouldHaveStatusAsync(first, HttpStatusCode.Created, Cancellation);
        using var repeat = await Orders.PostAsync(body, key, Cancellation);
        var repeatJson = await OrdersApiClient.ShouldHaveStatusAsync(repeat, HttpStatusCode.Created, Cancellation);

        repeatJson.ShouldBe(firstJson);
        repeat.Headers.Location.ShouldBe(first.Headers.Location);
        repeat.Content.Headers.ContentType?.MediaType.ShouldBe("application/json");

        var sentinel = await Orders.CreateAsync("sentinel", cancellationToken: Cancellation);
        var events = await stream.ReadEventsAsync(2);
        OrdersApiClient.SameJson(firstJson, events[0].Data).ShouldBeTrue(stream.Transcript);
        OrdersApiClient.SameJson(sentinel.Json, events[1].Data).ShouldBeTrue(stream.Transcript);
    }

    [Fact]
    public async Task Twenty_racing_repeats_create_one_order_and_one_event() =>
        await OrderContractScenarios.RacingRepeatsCreateOneOrderAndOneEventAsync(fixture.Host);

    [Fact]
    public async Task A_repeat_answers_the_first_response_even_after_the_order_changed()
    {
        var body = OrdersApiClient.NewOrder();
        var key = NewKey();
        using var first = await Orders.PostAsync(body, key, Cancellation);
        var created = await OrdersApiClient.ReadAsync(first, HttpStatusCode.Created, Cancellation);
        await Orders.ChangeStatusAsync(created.Id, "paid", Cancellation);

        using var repeat = await Orders.PostAsync(body, key, Cancellation);

        var replayed = await OrdersApiClient.ReadAsync(repeat, HttpStatusCode.Created, Cancellation);
        replayed.Json.ShouldBe(created.Json);
        replayed.Status.ShouldBe("new");
    }

    [Fact]
    public async Task The_same_key_with_another_body_is_422_and_creates_nothing()
    {
        var key = NewKey();
        using var first = await Orders.PostAsync(OrdersApiClient.NewOrder("first body"), key, Cancellation);
        await OrdersApiClient.ShouldHaveStatusAsync(first, HttpStatusCode.Created, Cancellation);
        var before = await Orders.ListIdsAsync(Cancellation);

        using var other = await Orders.PostAsync(OrdersApiClient.NewOrder("another body"), key, Cancellation);

        var problem = await other.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("detail").GetString()!.ShouldContain("Idempotency-Key");
        (await Orders.ListIdsAsync(Cancellation)).ShouldBe(before);
    }

    [Fact]
    public async Task The_same_body_laid_out_differently_is_a_repeat()
    {
        var key = NewKey();
        using var first = await fixture.Host.Http.SendAsync(Post("""{"customer":"Ada","items":[{"sku":"A","quantity":2,"unitPrice":12.5}],"note":null}""", key), Cancellation);
        var firstJson = await OrdersApiClient.ShouldHaveStatusAsync(first, HttpStatusCode.Created, Cancellation);

        using var repeat = await fixture.Host.Http.SendAsync(Post("""{ "note": null, "items": [ { "unitPrice": 12.50, "sku": "A", "quantity": 2 } ], "customer": "Ada" }""", key), Cancellation);

        (await OrdersApiClient.ShouldHaveStatusAsync(repeat, HttpStatusCode.Created, Cancellation)).ShouldBe(firstJson);
    }

    [Fact]
    public async Task Keys_are_per_user_so_two_users_may_use_the_same_key()
    {
        var key = NewKey();
        var customer = TestUsers.NewCustomer();
        await fixture.Host.Clients.RegisterAsync(customer, Cancellation);
        using var http = fixture.Host.Clients.CreateFor(await fixture.Host.Clients.LoginAsync(customer, Cancellation));
        var body = OrdersApiClient.NewOrder("same key, two users");

        using var staffs = await Orders.PostAsync(body, key, Cancellation);
        using var customers = await new OrdersApiClient(http).PostAsync(body, key, Cancellation);

        var staffOrder = await OrdersApiClient.ReadAsync(staffs, HttpStatusCode.Created, Cancellation);
        var customerOrder = await OrdersApiClient.ReadAsync(customers, HttpStatusCode.Created, Cancellation);
        customerOrder.Id.ShouldNotBe(staffOrder.Id);
    }

    [Fact]
    public async Task Without_a_key_every_post_creates_an_order()
    {
        var body = OrdersApiClient.NewOrder();

        var first = await Orders.CreateAsync(body, Cancellation);
        var second = await Orders.CreateAsync(body, Cancellation);

        second.Id.ShouldNotBe(first.Id);
    }

    [Theory]
    [InlineData(101)]
    [InlineData(500)]
    public async Task A_key_over_100_characters_is_400(int length)
    {
        var before = await Orders.ListIdsAsync(Cancellation);

        using var response = await Orders.PostAsync(OrdersApiClient.NewOrder(), new string('k', length), Cancellation);

        await response.ShouldBeValidationProblemAsync("idempotency-key");
        (await Orders.ListIdsAsync(Cancellation)).ShouldBe(before);
    }

    [Theory]
    [InlineData("k")]
    [InlineData("Order 42 / retry ~#1")]
    public async Task A_key_of_printable_ascii_up_to_100_characters_is_accepted(string key)
    {
        using var response = await Orders.PostAsync(OrdersApiClient.NewOrder(), key + Guid.NewGuid().ToString("N")[..(key.Length == 1 ? 0 : 8)], Cancellation);
        await OrdersApiClient.ShouldHaveStatusAsync(response, HttpStatusCode.Created, Cancellation);

        using var longest = await Orders.PostAsync(OrdersApiClient.NewOrder(), Guid.NewGuid().ToString("N") + new string('k', 68), Cancellation);
        await OrdersApiClient.ShouldHaveStatusAsync(longest, HttpStatusCode.Created, Cancellation);
    }

    private static HttpRequestMessage Post(string json, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, OrdersApiClient.OrdersPath) { Content = OrdersApiClient.Json(json) };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);
        return request;
    }
}
