using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Tracing;
using CleanSse.Application.Orders.Events;
using CleanSse.Domain.Orders;
using CleanSse.Infrastructure.Messaging;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Realtime.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CleanSse.Infrastructure.Tests.Publishing;

public sealed class OrderEventsSsePublisherTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 9, 30, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly IntegrationEventSerializer _serializer = new();
    private readonly InMemoryEventLog _log;
    private readonly OrderEventsSsePublisher _publisher;

    public OrderEventsSsePublisherTests()
    {
        _log = new InMemoryEventLog(Options.Create(new EventLogOptions()), new FakeTimeProvider(Now));
        _publisher = new OrderEventsSsePublisher(
            _log,
            _serializer,
            new RealtimeMetrics(_services.GetRequiredService<IMeterFactory>()),
            NullLogger<OrderEventsSsePublisher>.Instance);
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_created_order_is_appended_as_new_order_under_its_event_id_with_the_string_the_outbox_stored()
    {
        var created = OrderCreated.For(Order.Create("42", "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 1m)], null, Now), Now);
        var stored = _serializer.Serialize(created, OrderCreated.EventType);

        var positions = await _publisher.AppendAsync([created], Token);

        var logged = (await _log.ReadAfterAsync(EventPosition.Origin, 10, Token)).ShouldHaveSingleItem();
        logged.Type.ShouldBe("new-order");
        logged.DeduplicationKey.ShouldBe(created.EventId.ToString("N"));
        logged.Data.ShouldBeSameAs(stored);
        logged.OwnerId.ShouldBe("customer-1");
        positions.ShouldBe([logged.Id]);
    }

    [Fact]
    public async Task Each_event_of_a_batch_is_appended_under_its_own_publish_span_and_the_log_keeps_each_append_s_traceparent()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        var order = Order.Create("42", "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 1m)], null, Now);
        IIntegrationEvent[] events = [OrderCreated.For(order, Now), OrderCreated.For(Order.Create("43", "customer-2", "Bo", [new OrderLine("BOOK-1", 1, 1m)], null, Now), Now)];
        ActivityContext[] publishSpans =
        [
            new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded),
            new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded),
        ];

        await _publisher.AppendAsync(events, publishSpans, Token);

        Activity.Current.ShouldBeNull();
        var appends = events.Select(e => stopped.Single(span => Equals(span.GetTagItem("cleansse.event.id"), e.EventId))).ToList();
        appends.ShouldAllBe(span => span.DisplayName == "append new-order");
        appends.Select(span => (span.TraceId, span.ParentSpanId)).ShouldBe(publishSpans.Select(parent => (parent.TraceId, parent.SpanId)));
        var logged = await _log.ReadAfterAsync(EventPosition.Origin, 10, Token);
        logged.Select(entry => entry.TraceParent).ShouldBe(appends.Select(span => span.Id));
        appends.Select(span => span.GetTagItem("cleansse.stream.event_id")).ShouldBe(logged.Select(entry => (object)entry.Id));
    }

    [Fact]
    public async Task A_status_change_is_appended_as_order_updated()
    {
        var order = Order.Create("42", "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 1m)], null, Now);
        order.ChangeStatus(OrderStatus.Paid, DateTimeOffset.UnixEpoch.AddMinutes(1));

        await _publisher.AppendAsync([OrderStatusChanged.For(order, Now)], Token);

        var logged = (await _log.ReadAfterAsync(EventPosition.Origin, 10, Token)).ShouldHaveSingleItem();
        logged.Type.ShouldBe("order-updated");
        logged.Data.ShouldContain("\"status\":\"paid\"");
        logged.OwnerId.ShouldBe("customer-1");
    }

    [Fact]
    public async Task The_same_event_published_twice_request_and_sweep_is_logged_once()
    {
        var created = OrderCreated.For(Order.Create("42", "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 1m)], null, Now), Now);
        var swept = _serializer.Deserialize(OrderCreated.EventType, created.EventId, created.OccurredAt, _serializer.Serialize(created, OrderCreated.EventType));

        var first = await _publisher.AppendAsync([created], Token);
        var again = await _publisher.AppendAsync([swept], Token);

        (await _log.ReadAfterAsync(EventPosition.Origin, 10, Token)).ShouldHaveSingleItem();
        again.ShouldBe(first, "a repeat gets the position of the first append");
    }

    [Fact]
    public async Task A_batch_is_appended_in_order_and_each_event_gets_its_own_position()
    {
        var order = Order.Create("42", "customer-1", "Ada", [new OrderLine("BOOK-1", 1, 1m)], null, Now);
        var created = OrderCreated.For(order, Now);
        order.ChangeStatus(OrderStatus.Paid, Now);
        var paid = OrderStatusChanged.For(order, Now);

        var positions = await _publisher.AppendAsync([created, paid], Token);

        var logged = await _log.ReadAfterAsync(EventPosition.Origin, 10, Token);
        logged.Select(e => e.Type).ShouldBe(["new-order", "order-updated"]);
        positions.ShouldBe(logged.Select(e => e.Id));
    }

    public void Dispose() => _services.Dispose();
}
