using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;
using Outcome = CleanSse.Infrastructure.Realtime.Connections.HandOverGate.Outcome;

namespace CleanSse.Infrastructure.Tests.Realtime.Connections;

public sealed class HandOverGateTests
{
    [Fact]
    public void Before_the_hand_over_offers_past_the_catch_up_are_held_and_the_rest_skipped()
    {
        var sync = new object();
        var gate = new HandOverGate();
        gate.MarkQueuedThrough(Position(3), sync);

        gate.Offer(Event(2), maxPending: 10, sync).ShouldBe(Outcome.Skip);
        gate.Offer(Event(3), maxPending: 10, sync).ShouldBe(Outcome.Skip);
        gate.Offer(Event(4), maxPending: 10, sync).ShouldBe(Outcome.Held);
        gate.Offer(Event(5), maxPending: 10, sync).ShouldBe(Outcome.Held);
        gate.IsLive.ShouldBeFalse();
    }

    [Fact]
    public void Going_live_queues_the_held_events_the_catch_up_did_not_then_lets_new_ones_through_once()
    {
        var sync = new object();
        var gate = new HandOverGate();
        var queue = new RecordingQueue();
        for (var n = 1; n <= 6; n++)
        {
            gate.Offer(Event(n), maxPending: 10, sync).ShouldBe(Outcome.Held);
        }

        // The catch-up read the log up to 4 meanwhile.
        gate.MarkQueuedThrough(Position(4), sync);
        gate.GoLive(sync, queue);

        gate.IsLive.ShouldBeTrue();
        queue.Sequences.ShouldBe([5, 6]);
        gate.Offer(Event(6), maxPending: 10, sync).ShouldBe(Outcome.Skip);
        gate.Offer(Event(7), maxPending: 10, sync).ShouldBe(Outcome.Deliver);
        gate.Offer(Event(7), maxPending: 10, sync).ShouldBe(Outcome.Skip);
        gate.Offer(Event(8), maxPending: 10, sync).ShouldBe(Outcome.Deliver);
    }

    [Fact]
    public void Held_events_the_catch_up_has_since_queued_make_room_before_the_bound_overflows()
    {
        var sync = new object();
        var gate = new HandOverGate();
        for (var n = 1; n <= 3; n++)
        {
            gate.Offer(Event(n), maxPending: 3, sync).ShouldBe(Outcome.Held);
        }

        gate.MarkQueuedThrough(Position(2), sync);
        gate.Offer(Event(4), maxPending: 3, sync).ShouldBe(Outcome.Held);
        gate.Offer(Event(5), maxPending: 3, sync).ShouldBe(Outcome.Held);
        gate.Offer(Event(6), maxPending: 3, sync).ShouldBe(Outcome.Overflow);

        var queue = new RecordingQueue();
        gate.GoLive(sync, queue);
        queue.Sequences.ShouldBe([3, 4, 5]);
    }

    [Fact]
    public void Going_live_stops_at_the_first_held_event_the_queue_refuses()
    {
        var sync = new object();
        var gate = new HandOverGate();
        for (var n = 1; n <= 5; n++)
        {
            gate.Offer(Event(n), maxPending: 10, sync);
        }

        var queue = new RecordingQueue { Capacity = 2 };
        gate.GoLive(sync, queue);

        queue.Sequences.ShouldBe([1, 2]);
        queue.Refused.ShouldBe(1);
        gate.IsLive.ShouldBeTrue();
    }

    [Fact]
    public async Task Offers_racing_the_catch_up_and_its_hand_over_deliver_every_event_once_in_order()
    {
        const int Events = 400;
        var random = new Random(31_337);
        var sent = Enumerable.Range(1, Events).Select(n => Event(n)).ToArray();
        for (var round = 0; round < 200; round++)
        {
            var sync = new object();
            var gate = new HandOverGate();
            var queue = new RecordingQueue();
            var replayed = random.Next(0, Events + 1);
            var pace = random.Next(0, 200);
            var ready = 0;

            // The gate lives inline in its connection; here a box on the heap stands in for it, shared by both sides.
            var box = new GateHolder(gate);
            var dispatcher = Task.Run(
                () =>
                {
                    StartTogether(ref ready);
                    foreach (var logged in sent)
                    {
                        switch (box.Gate.Offer(logged, maxPending: Events, sync))
                        {
                            case Outcome.Deliver:
                                queue.TryEnqueueLive(logged);
                                break;
                            case Outcome.Overflow:
                                throw new InvalidOperationException($"round {round}: overflowed at {logged.Id}");
                        }

                        Thread.SpinWait(pace);
                    }
                },
                Token);
            var catchUp = Task.Run(
                () =>
                {
                    StartTogether(ref ready);
                    for (var n = 0; n < replayed; n++)
                    {
                        lock (sync)
                        {
                            queue.TryEnqueueLive(sent[n]);
                        }

                        box.Gate.MarkQueuedThrough(sent[n].Position, sync);
                    }

                    box.Gate.GoLive(sync, queue);
                },
                Token);
            await Within(Task.WhenAll(dispatcher, catchUp), $"round {round} to finish");

            queue.Sequences.ShouldBeSequence(Enumerable.Range(1, Events).Select(n => (long)n), $"round {round} (replayed {replayed})");
        }
    }

    private static EventPosition Position(long sequence) => new(sequence, 0);

    private static void StartTogether(ref int ready)
    {
        Interlocked.Increment(ref ready);
        var spin = new SpinWait();
        while (Volatile.Read(ref ready) < 2)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }

    private sealed class GateHolder(HandOverGate gate)
    {
        public HandOverGate Gate = gate;
    }

    /// <summary>The stream's queue as the gate sees it: records what it was given, in order, up to a capacity.</summary>
    private sealed class RecordingQueue : ILiveEventQueue
    {
        private readonly List<long> _sequences = [];

        public int Capacity { get; init; } = int.MaxValue;

        public int Refused { get; private set; }

        public IReadOnlyList<long> Sequences
        {
            get
            {
                lock (_sequences)
                {
                    return [.. _sequences];
                }
            }
        }

        public bool TryEnqueueLive(LoggedEvent logged)
        {
            lock (_sequences)
            {
                if (_sequences.Count >= Capacity)
                {
                    Refused++;
                    return false;
                }

                _sequences.Add(logged.Position.Major);
                return true;
            }
        }
    }
}
