using System.Net;
using CleanSse.Client.Orders;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Client.IntegrationTests;

/// <summary>The typed REST client and the stream, registered as an application would, against the real service.</summary>
public sealed class OrdersClientTests(ServiceFixture fixture) : IClassFixture<ServiceFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_order_created_through_the_client_is_read_back_listed_and_changed()
    {
        var orders = fixture.Orders();
        var input = ServiceFixture.NewOrder();

        var created = await orders.CreateAsync(input, cancellationToken: Ct);
        var read = await orders.GetAsync(created.Id, Ct);
        var listed = await orders.ListAsync(cancellationToken: Ct);
        var paid = await orders.ChangeStatusAsync(created.Id, OrderStatus.Paid, cancellationToken: Ct);

        created.Customer.ShouldBe(input.Customer);
        created.Total.ShouldBe(27.97m);
        created.Status.ShouldBe(OrderStatus.New);
        created.Items.ShouldBe(input.Items);
        created.Note.ShouldBe(input.Note);
        read.Order.Id.ShouldBe(created.Id);
        read.Order.Total.ShouldBe(27.97m);
        listed.Orders.ShouldContain(order => order.Id == created.Id);
        paid.Order.Status.ShouldBe(OrderStatus.Paid);
        (await orders.GetAsync(created.Id, Ct)).Order.Status.ShouldBe(OrderStatus.Paid);
    }

    [Fact]
    public async Task Invalid_input_is_a_validation_exception_with_the_field_errors()
    {
        var orders = fixture.Orders();

        var refused = await Should.ThrowAsync<ApiValidationException>(() =>
            orders.CreateAsync(new NewOrder(string.Empty, [new OrderItemDto("BOOK-1", 0, 1m)]), cancellationToken: Ct));

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        refused.Errors.Keys.ShouldContain(key => key.Equals("customer", StringComparison.OrdinalIgnoreCase));
        refused.Errors.Keys.ShouldContain(key => key.Contains("quantity", StringComparison.OrdinalIgnoreCase));
        refused.Problem!.Title.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task A_transition_the_order_does_not_allow_is_a_conflict_exception()
    {
        var orders = fixture.Orders();
        var created = await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);

        var refused = await Should.ThrowAsync<ApiConflictException>(() => orders.ChangeStatusAsync(created.Id, OrderStatus.Shipped, cancellationToken: Ct));

        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        refused.Problem!.Detail.ShouldNotBeNull().ShouldContain("new");
    }

    [Fact]
    public async Task An_unknown_order_is_a_not_found_exception()
    {
        var refused = await Should.ThrowAsync<ApiNotFoundException>(() => fixture.Orders().GetAsync("no-such-order", Ct));

        refused.StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Without_a_token_every_call_is_an_unauthorized_exception()
    {
        var anonymous = fixture.ClientServices(configure: options => options.AccessToken = null).GetRequiredService<OrdersClient>();

        await Should.ThrowAsync<ApiUnauthorizedException>(() => anonymous.ListAsync(cancellationToken: Ct));
        await Should.ThrowAsync<ApiUnauthorizedException>(() => anonymous.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct));
    }

    [Fact]
    public async Task A_customer_sees_only_their_own_orders_and_may_not_pay_them()
    {
        var customer = fixture.Orders(await fixture.NewCustomerTokenAsync());
        var others = await fixture.Orders().CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);
        var own = await customer.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);

        var refused = await Should.ThrowAsync<ApiForbiddenException>(() => customer.ChangeStatusAsync(own.Id, OrderStatus.Paid, cancellationToken: Ct));
        await Should.ThrowAsync<ApiNotFoundException>(() => customer.GetAsync(others.Id, Ct));
        var cancelled = await customer.ChangeStatusAsync(own.Id, OrderStatus.Cancelled, cancellationToken: Ct);

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        own.CustomerId.ShouldNotBeNullOrEmpty();
        cancelled.Order.Status.ShouldBe(OrderStatus.Cancelled);
        (await customer.ListAsync(cancellationToken: Ct)).Orders.Select(order => order.Id).ShouldBe([own.Id]);
    }

    [Fact]
    public async Task The_registered_stream_signs_in_with_the_same_token_and_sees_an_order_the_REST_client_creates()
    {
        var services = fixture.ClientServices(await fixture.NewCustomerTokenAsync());
        var stream = services.GetRequiredService<SseClient>();
        var orders = services.GetRequiredService<OrdersClient>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));

        await using var events = stream.ReadOrderEventsAsync(deadline.Token).GetAsyncEnumerator(deadline.Token);
        (await events.MoveNextAsync()).ShouldBeTrue();
        events.Current.ShouldBeOfType<StreamConnected>();
        var created = await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: deadline.Token);
        (await events.MoveNextAsync()).ShouldBeTrue();

        var received = events.Current.ShouldBeOfType<OrderCreated>();
        received.Order.Id.ShouldBe(created.Id);
        received.LastEventId.ShouldNotBeNullOrEmpty();
    }

    [Fact]
    public async Task After_a_reset_the_reload_brings_the_held_orders_up_to_date()
    {
        var services = fixture.ClientServices(configure: options => options.Stream = options.Stream with { LastEventId = "garbage" });
        var orders = services.GetRequiredService<OrdersClient>();
        var created = await orders.CreateAsync(ServiceFixture.NewOrder(), cancellationToken: Ct);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));

        StreamReset? reset = null;
        await foreach (var streamEvent in services.GetRequiredService<SseClient>().ReadOrderEventsAsync(deadline.Token))
        {
            if (streamEvent is StreamReset received)
            {
                reset = received;
                break;
            }
        }

        reset.ShouldNotBeNull().RequestedEventId.ShouldBe("garbage");
        var reload = await orders.ReloadAsync(reset, Ct);
        var held = new Dictionary<string, OrderDto>();
        reload.ApplyTo(held);
        if (reload.IsComplete)
        {
            held.ShouldContainKey(created.Id);
        }
        else
        {
            reload.Orders.ShouldAllBe(order => order.UpdatedAt >= reset.ChangedSince);
        }
    }
}
