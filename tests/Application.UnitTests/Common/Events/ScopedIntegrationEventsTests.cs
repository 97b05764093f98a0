using CleanSse.Application.Common.Events;
using CleanSse.Application.UnitTests.TestKit;

namespace CleanSse.Application.UnitTests.Common.Events;

public sealed class ScopedIntegrationEventsTests
{
    [Fact]
    public void Raised_events_are_not_handed_out_before_they_are_committed()
    {
        var events = new ScopedIntegrationEvents();
        events.Raise(SampleEvents.Created());

        events.TakeCommitted().ShouldBeEmpty();
        events.Uncommitted.ShouldHaveSingleItem();
    }

    [Fact]
    public void Committed_events_are_handed_out_once_in_the_order_they_were_raised()
    {
        var events = new ScopedIntegrationEvents();
        var first = SampleEvents.Created();
        var second = SampleEvents.Created();
        events.Raise(first);
        events.Raise(second);

        events.MarkCommitted(events.Uncommitted);

        events.TakeCommitted().ShouldBe([first, second]);
        events.TakeCommitted().ShouldBeEmpty();
        events.Uncommitted.ShouldBeEmpty();
    }

    [Fact]
    public void An_event_raised_after_the_commit_waits_for_the_next_one()
    {
        var events = new ScopedIntegrationEvents();
        events.Raise(SampleEvents.Created());
        var committing = events.Uncommitted;
        var late = SampleEvents.Created();
        events.Raise(late);

        events.MarkCommitted(committing);

        events.TakeCommitted().ShouldHaveSingleItem();
        events.Uncommitted.ShouldHaveSingleItem().Event.ShouldBeSameAs(late);
    }

    [Fact]
    public void An_event_is_raised_with_its_own_contract()
    {
        var events = new ScopedIntegrationEvents();
        events.Raise(SampleEvents.Created());

        events.Uncommitted.ShouldHaveSingleItem().Type.ShouldBeSameAs(CleanSse.Application.Orders.Events.OrderCreated.EventType);
    }
}
