using CleanSse.Application.Common.Events;
using CleanSse.Application.UnitTests.TestKit;
using Mediator;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CleanSse.Application.UnitTests.Common.Events;

public sealed class IntegrationEventPublisherTests
{
    private readonly IPublisher _publisher = Substitute.For<IPublisher>();
    private readonly IOutbox _outbox = Substitute.For<IOutbox>();
    private readonly IntegrationEventPublisher _publishing;

    public IntegrationEventPublisherTests()
    {
        _publishing = new IntegrationEventPublisher(_publisher, _outbox, NullLogger<IntegrationEventPublisher>.Instance);
    }

    [Fact]
    public async Task Events_are_published_in_order_and_marked_in_one_call()
    {
        IIntegrationEvent[] events = [SampleEvents.Created(), SampleEvents.Created(), SampleEvents.Created()];

        var published = await _publishing.PublishAsync(events, TestContext.Current.CancellationToken);

        published.ShouldBe(3);
        _publisher.ReceivedCalls().Select(call => call.GetArguments()[0]).ShouldBe(events);
        await _outbox.Received(1).MarkPublishedAsync(
            Arg.Is<IReadOnlyCollection<Guid>>(ids => ids.SequenceEqual(events.Select(e => e.EventId))), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_failure_stops_the_run_so_later_events_keep_their_order_and_only_earlier_ones_are_marked()
    {
        IIntegrationEvent[] events = [SampleEvents.Created(), SampleEvents.Created(), SampleEvents.Created()];
        _publisher.Publish(events[1], Arg.Any<CancellationToken>()).ThrowsAsync(new TimeoutException("down"));

        var published = await _publishing.PublishAsync(events, TestContext.Current.CancellationToken);

        published.ShouldBe(1);
        _publisher.ReceivedCalls().Select(call => call.GetArguments()[0]).ShouldBe([events[0], events[1]]);
        await _outbox.Received(1).MarkPublishedAsync(
            Arg.Is<IReadOnlyCollection<Guid>>(ids => ids.SequenceEqual(new[] { events[0].EventId })), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_failure_to_mark_is_not_thrown_the_events_went_out()
    {
        _outbox.MarkPublishedAsync(Arg.Any<IReadOnlyCollection<Guid>>(), Arg.Any<CancellationToken>()).ThrowsAsync(new InvalidOperationException("db down"));

        var published = await _publishing.PublishAsync([SampleEvents.Created()], TestContext.Current.CancellationToken);

        published.ShouldBe(1);
    }

    [Fact]
    public async Task A_cancellation_from_inside_a_subscriber_is_a_failure_not_a_reason_to_fail_the_request()
    {
        _publisher.Publish(Arg.Any<IIntegrationEvent>(), Arg.Any<CancellationToken>()).ThrowsAsync(new TaskCanceledException("a subscriber's own timeout"));

        var published = await _publishing.PublishAsync([SampleEvents.Created()], CancellationToken.None);

        published.ShouldBe(0);
        _outbox.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task The_caller_s_own_cancellation_is_thrown()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        _publisher.Publish(Arg.Any<IIntegrationEvent>(), Arg.Any<CancellationToken>()).ThrowsAsync(new OperationCanceledException(cancelled.Token));

        await Should.ThrowAsync<OperationCanceledException>(() => _publishing.PublishAsync([SampleEvents.Created()], cancelled.Token));
    }
}
