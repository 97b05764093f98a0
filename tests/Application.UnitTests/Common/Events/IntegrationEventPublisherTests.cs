using System.Collections.Concurrent;
using System.Diagnostics;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Common.Tracing;
using CleanSse.Application.UnitTests.TestKit;
using Mediator;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CleanSse.Application.UnitTests.Common.Events;

#pragma warning disable CA2012 // Setting up and checking substitute calls; there is nothing to await.

public sealed class IntegrationEventPublisherTests
{
    private readonly IPublisher _publisher = Substitute.For<IPublisher>();
    private readonly IOutbox _outbox = Substitute.For<IOutbox>();
    private readonly IntegrationEventPublisher _publishing;

    public IntegrationEventPublisherTests()
    {
        _publishing = new IntegrationEventPublisher(_publisher, _outbox, NullLogger<IntegrationEventPublisher>.Instance);

        // The event log's handler: it logs the batch and records a position per event.
        _publisher.Publish(Arg.Any<IntegrationEventsCommitted>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var committed = call.Arg<IntegrationEventsCommitted>();
            committed.RecordPositions([.. committed.Events.Select((_, index) => $"1-{index}")]);
            return ValueTask.CompletedTask;
        });
    }

    private void LogFailsWith(Exception exception) =>
        _publisher.Publish(Arg.Any<IntegrationEventsCommitted>(), Arg.Any<CancellationToken>()).Returns(ValueTask.FromException(exception));

    [Fact]
    public async Task Events_are_published_in_order_as_one_batch_and_marked_with_their_positions_in_one_call()
    {
        IIntegrationEvent[] events = [SampleEvents.Created(), SampleEvents.Created(), SampleEvents.Created()];

        var published = await _publishing.PublishAsync(events, TestContext.Current.CancellationToken);

        published.ShouldBe(3);
        await _publisher.Received(1).Publish(Arg.Is<IntegrationEventsCommitted>(batch => batch.Events.SequenceEqual(events)), Arg.Any<CancellationToken>());
        await _outbox.Received(1).MarkPublishedAsync(
            Arg.Is<IReadOnlyList<Guid>>(ids => ids.SequenceEqual(events.Select(e => e.EventId))),
            Arg.Is<IReadOnlyList<string>>(positions => positions.SequenceEqual(new[] { "1-0", "1-1", "1-2" })),
            Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task A_failed_append_publishes_none_and_marks_none_so_all_keep_their_order()
    {
        LogFailsWith(new TimeoutException("down"));

        var published = await _publishing.PublishAsync([SampleEvents.Created(), SampleEvents.Created()], TestContext.Current.CancellationToken);

        published.ShouldBe(0);
        _outbox.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_lost_log_is_thrown_so_it_is_restored_before_anything_else_goes_out()
    {
        LogFailsWith(new IntegrationEventLogLostException());

        await Should.ThrowAsync<IntegrationEventLogLostException>(() => _publishing.PublishAsync([SampleEvents.Created()], TestContext.Current.CancellationToken));
        _outbox.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_batch_no_log_took_is_a_failure_and_is_not_marked()
    {
        _publisher.Publish(Arg.Any<IntegrationEventsCommitted>(), Arg.Any<CancellationToken>()).Returns(ValueTask.CompletedTask);

        var published = await _publishing.PublishAsync([SampleEvents.Created()], TestContext.Current.CancellationToken);

        published.ShouldBe(0);
        _outbox.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task Appended_is_told_once_the_log_holds_the_events_before_their_mark_completes()
    {
        var mark = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _outbox.MarkPublishedAsync(Arg.Any<IReadOnlyList<Guid>>(), Arg.Any<IReadOnlyList<string>>(), Arg.Any<CancellationToken>())
            .Returns(mark.Task);
        var appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var publishing = _publishing.PublishAsync([SampleEvents.Created()], TestContext.Current.CancellationToken, appended: appended.SetResult);

        await appended.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        await _publisher.Received(1).Publish(Arg.Any<IntegrationEventsCommitted>(), Arg.Any<CancellationToken>());
        publishing.IsCompleted.ShouldBeFalse("the mark is still running");
        mark.SetResult();
        (await publishing).ShouldBe(1);
    }

    [Fact]
    public async Task Appended_is_not_told_when_the_log_did_not_take_the_events()
    {
        LogFailsWith(new TimeoutException("down"));
        var told = 0;

        var published = await _publishing.PublishAsync([SampleEvents.Created()], TestContext.Current.CancellationToken, appended: () => told++);

        published.ShouldBe(0);
        told.ShouldBe(0);
    }

    [Fact]
    public async Task A_failure_to_mark_is_not_thrown_the_events_went_out()
    {
        _outbox.MarkPublishedAsync(Arg.Any<IReadOnlyList<Guid>>(), Arg.Any<IReadOnlyList<string>>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new InvalidOperationException("db down"));

        var published = await _publishing.PublishAsync([SampleEvents.Created()], TestContext.Current.CancellationToken);

        published.ShouldBe(1);
    }

    [Fact]
    public async Task A_cancellation_from_inside_the_log_is_a_failure_not_a_reason_to_fail_the_request()
    {
        LogFailsWith(new TaskCanceledException("the log's own timeout"));

        var published = await _publishing.PublishAsync([SampleEvents.Created()], CancellationToken.None);

        published.ShouldBe(0);
        _outbox.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task The_caller_s_own_cancellation_is_thrown()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        LogFailsWith(new OperationCanceledException(cancelled.Token));

        await Should.ThrowAsync<OperationCanceledException>(() => _publishing.PublishAsync([SampleEvents.Created()], cancelled.Token));
    }
    [Fact]
    public async Task Each_event_of_a_batch_gets_its_own_publish_span_under_its_own_parent_and_the_log_gets_each_context()
    {
        var stopped = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == Telemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Add,
        };
        ActivitySource.AddActivityListener(listener);
        IReadOnlyList<ActivityContext>? handedToLog = null;
        _publisher.Publish(Arg.Any<IntegrationEventsCommitted>(), Arg.Any<CancellationToken>()).Returns(call =>
        {
            var committed = call.Arg<IntegrationEventsCommitted>();
            handedToLog = committed.Traces;
            committed.RecordPositions([.. committed.Events.Select((_, index) => $"1-{index}")]);
            return ValueTask.CompletedTask;
        });
        IIntegrationEvent[] events = [SampleEvents.Created(), SampleEvents.Created(), SampleEvents.Created()];
        var committedA = NewContext();
        var sweep = NewContext();
        var requestB = NewContext();

        using var outer = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
        await _publishing.PublishAsync(events, TestContext.Current.CancellationToken, [new PublishTrace(committedA, sweep), new PublishTrace(requestB), default]);

        Activity.Current.ShouldBe(outer, "the batch's spans leave the current span as it was");
        var spans = events.Select(e => stopped.Single(span => Equals(span.GetTagItem("cleansse.event.id"), e.EventId))).ToList();
        spans.ShouldAllBe(span => span.DisplayName == "publish OrderCreated");
        (spans[0].TraceId, spans[0].ParentSpanId).ShouldBe((committedA.TraceId, committedA.SpanId));
        spans[0].Links.Select(link => link.Context).ShouldBe([sweep]);
        (spans[1].TraceId, spans[1].ParentSpanId).ShouldBe((requestB.TraceId, requestB.SpanId));
        spans[1].Links.ShouldBeEmpty();
        (spans[2].TraceId, spans[2].ParentSpanId).ShouldBe((outer.TraceId, outer.SpanId), "without a trace of its own it continues the current span, not its sibling");
        handedToLog.ShouldNotBeNull().ShouldBe(spans.Select(span => span.Context));
    }

    private static ActivityContext NewContext() =>
        new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
}

