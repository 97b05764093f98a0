using CleanSse.Application.Common.Behaviours;
using CleanSse.Application.Common.Events;
using CleanSse.Application.Orders.Events;
using CleanSse.Application.UnitTests.TestKit;
using Mediator;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CleanSse.Application.UnitTests.Common.Behaviours;

public sealed class PublishIntegrationEventsBehaviourTests
{
    private readonly ScopedIntegrationEvents _events = new();
    private readonly IPublisher _publisher = Substitute.For<IPublisher>();
    private readonly IOutbox _outbox = Substitute.For<IOutbox>();
    private readonly PublishIntegrationEventsBehaviour<SampleCommand, string> _behaviour;

    public PublishIntegrationEventsBehaviourTests()
    {
        var publishing = new IntegrationEventPublisher(_publisher, _outbox, NullLogger<IntegrationEventPublisher>.Instance);
        _behaviour = new PublishIntegrationEventsBehaviour<SampleCommand, string>(_events, publishing);
    }

    [Fact]
    public async Task Events_are_published_only_after_the_handler_returned_and_then_marked_published()
    {
        var created = SampleEvents.Created();
        var publishedDuringHandler = false;

        var response = await _behaviour.Handle(new SampleCommand(), (_, _) =>
        {
            _events.Raise(created);
            Commit();
            publishedDuringHandler = _publisher.ReceivedCalls().Any();
            return ValueTask.FromResult("done");
        }, TestContext.Current.CancellationToken);

        response.ShouldBe("done");
        publishedDuringHandler.ShouldBeFalse();
#pragma warning disable CA2012 // Received.InOrder records calls; there is nothing to await.
        Received.InOrder(() =>
        {
            _publisher.Publish(created, Arg.Any<CancellationToken>());
            _outbox.MarkPublishedAsync(Arg.Is<IReadOnlyCollection<Guid>>(ids => ids.SequenceEqual(new[] { created.EventId })), Arg.Any<CancellationToken>());
        });
#pragma warning restore CA2012
    }

    [Fact]
    public async Task Nothing_is_published_when_the_handler_fails_even_if_it_had_committed()
    {
        await Should.ThrowAsync<InvalidOperationException>(() => _behaviour.Handle(new SampleCommand(), (_, _) =>
        {
            _events.Raise(SampleEvents.Created());
            Commit();
            throw new InvalidOperationException("after the commit");
        }, TestContext.Current.CancellationToken).AsTask());

        _publisher.ReceivedCalls().ShouldBeEmpty();
        _outbox.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task Events_raised_but_never_committed_are_not_published()
    {
        await _behaviour.Handle(new SampleCommand(), (_, _) =>
        {
            _events.Raise(SampleEvents.Created());
            return ValueTask.FromResult("saved nothing");
        }, TestContext.Current.CancellationToken);

        _publisher.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task A_publishing_failure_never_fails_the_request_and_leaves_the_event_unmarked()
    {
        _publisher.Publish(Arg.Any<IIntegrationEvent>(), Arg.Any<CancellationToken>()).ThrowsAsync(new TimeoutException("log unreachable"));

        var response = await _behaviour.Handle(new SampleCommand(), (_, _) =>
        {
            _events.Raise(SampleEvents.Created());
            Commit();
            return ValueTask.FromResult("committed");
        }, TestContext.Current.CancellationToken);

        response.ShouldBe("committed");
        _outbox.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task Publishing_is_not_cancelled_by_the_caller_going_away_after_the_commit()
    {
        using var request = new CancellationTokenSource();

        await _behaviour.Handle(new SampleCommand(), (_, _) =>
        {
            _events.Raise(SampleEvents.Created());
            Commit();
            request.Cancel();
            return ValueTask.FromResult("committed");
        }, request.Token);

        await _publisher.Received(1).Publish(Arg.Any<OrderCreated>(), Arg.Is<CancellationToken>(token => !token.IsCancellationRequested));
    }

    private void Commit() => _events.MarkCommitted(_events.Uncommitted);

    public sealed record SampleCommand : ICommand<string>;
}
