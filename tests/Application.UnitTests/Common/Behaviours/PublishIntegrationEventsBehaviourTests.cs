using CleanSse.Application.Common.Behaviours;
using CleanSse.Application.Common.Events;
using CleanSse.Application.UnitTests.TestKit;
using Mediator;
using NSubstitute;

namespace CleanSse.Application.UnitTests.Common.Behaviours;

public sealed class PublishIntegrationEventsBehaviourTests
{
    private readonly ScopedIntegrationEvents _events = new();
    private readonly IIntegrationEventDispatcher _dispatcher = Substitute.For<IIntegrationEventDispatcher>();
    private readonly PublishIntegrationEventsBehaviour<SampleCommand, string> _behaviour;

    public PublishIntegrationEventsBehaviourTests()
    {
        _behaviour = new PublishIntegrationEventsBehaviour<SampleCommand, string>(_events, _dispatcher);
    }

    [Fact]
    public async Task Committed_events_are_handed_to_the_dispatcher_only_after_the_handler_returned()
    {
        var created = SampleEvents.Created();
        var dispatchedDuringHandler = false;

        var response = await _behaviour.Handle(new SampleCommand(), (_, _) =>
        {
            _events.Raise(created);
            Commit();
            dispatchedDuringHandler = _dispatcher.ReceivedCalls().Any();
            return ValueTask.FromResult("done");
        }, TestContext.Current.CancellationToken);

        response.ShouldBe("done");
        dispatchedDuringHandler.ShouldBeFalse();
        await _dispatcher.Received(1).DispatchAsync(
            Arg.Is<IReadOnlyList<IIntegrationEvent>>(events => events.SequenceEqual(new IIntegrationEvent[] { created })), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task Nothing_is_dispatched_when_the_handler_fails_even_if_it_had_committed()
    {
        await Should.ThrowAsync<InvalidOperationException>(() => _behaviour.Handle(new SampleCommand(), (_, _) =>
        {
            _events.Raise(SampleEvents.Created());
            Commit();
            throw new InvalidOperationException("after the commit");
        }, TestContext.Current.CancellationToken).AsTask());

        _dispatcher.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task Events_raised_but_never_committed_are_not_dispatched()
    {
        await _behaviour.Handle(new SampleCommand(), (_, _) =>
        {
            _events.Raise(SampleEvents.Created());
            return ValueTask.FromResult("saved nothing");
        }, TestContext.Current.CancellationToken);

        _dispatcher.ReceivedCalls().ShouldBeEmpty();
    }

    [Fact]
    public async Task Dispatching_is_not_cancelled_by_the_caller_going_away_after_the_commit()
    {
        using var request = new CancellationTokenSource();

        await _behaviour.Handle(new SampleCommand(), (_, _) =>
        {
            _events.Raise(SampleEvents.Created());
            Commit();
            request.Cancel();
            return ValueTask.FromResult("committed");
        }, request.Token);

        await _dispatcher.Received(1).DispatchAsync(
            Arg.Any<IReadOnlyList<IIntegrationEvent>>(), Arg.Is<CancellationToken>(token => !token.IsCancellationRequested));
    }

    private void Commit() => _events.MarkCommitted(_events.Uncommitted);

    public sealed record SampleCommand : ICommand<string>;
}
