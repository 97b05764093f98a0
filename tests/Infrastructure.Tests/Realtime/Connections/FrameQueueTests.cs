using System.Text;
using CleanSse.Infrastructure.Realtime.Connections;

namespace CleanSse.Infrastructure.Tests.Realtime.Connections;

public sealed class FrameQueueTests
{
    private static readonly byte[] Comment = ":\n\n"u8.ToArray();

    [Fact]
    public void It_takes_exactly_the_bound_in_events_and_comments_do_not_count_as_events()
    {
        var queue = new FrameQueue();
        for (var n = 1; n <= 3; n++)
        {
            queue.TryEnqueue(Frame(n), isEvent: true, maxEvents: 3, maxBytes: 1 << 20).ShouldBeTrue($"event {n}");
        }

        queue.TryEnqueue(Comment, isEvent: false, maxEvents: 3, maxBytes: 1 << 20).ShouldBeTrue();
        queue.TryEnqueue(Frame(4), isEvent: true, maxEvents: 3, maxBytes: 1 << 20).ShouldBeFalse();
        queue.QueuedEvents.ShouldBe(3);
    }

    [Fact]
    public void It_takes_exactly_the_bound_in_bytes()
    {
        var queue = new FrameQueue();
        var frame = new byte[100];
        for (var n = 0; n < 4; n++)
        {
            queue.TryEnqueue(frame, isEvent: true, maxEvents: 1000, maxBytes: 400).ShouldBeTrue();
        }

        queue.TryEnqueue(Comment, isEvent: false, maxEvents: 1000, maxBytes: 400).ShouldBeFalse();
        queue.QueuedBytes.ShouldBe(400);
        queue.PeakQueuedBytes.ShouldBe(400);
    }

    [Fact]
    public void Frames_come_out_in_the_order_they_went_in_across_wrap_arounds_and_growth()
    {
        var queue = new FrameQueue();
        var next = 0;
        var expected = 0;
        var random = new Random(4_711);
        for (var step = 0; step < 2_000; step++)
        {
            var pushes = random.Next(0, 6);
            for (var i = 0; i < pushes; i++)
            {
                queue.TryEnqueue(Frame(next++), isEvent: true, maxEvents: 10_000, maxBytes: 1 << 30).ShouldBeTrue();
            }

            var takes = random.Next(0, 6);
            for (var i = 0; i < takes && queue.TryDequeue(out var bytes, out var isEvent); i++)
            {
                Encoding.ASCII.GetString(bytes.Span).ShouldBe(Text(expected++));
                isEvent.ShouldBeTrue();
            }
        }

        while (queue.TryDequeue(out var bytes, out _))
        {
            Encoding.ASCII.GetString(bytes.Span).ShouldBe(Text(expected++));
        }

        expected.ShouldBe(next);
        queue.HasQueued.ShouldBeFalse();
        queue.QueuedBytes.ShouldBe(0);
        queue.QueuedEvents.ShouldBe(0);
    }

    [Fact]
    public void A_stream_handed_one_frame_at_a_time_queues_them_without_allocating()
    {
        // An idle stream only ever holds its connected message or a heartbeat: ten thousand of them must not each keep
        // an array for frames they never hold together.
        var frames = new[] { Frame(1), Comment, Frame(2) };
        var warm = new FrameQueue();
        RoundTrips(ref warm, frames);

        var queue = new FrameQueue();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var taken = RoundTrips(ref queue, frames);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        taken.ShouldBe(3 * 100);
        allocated.ShouldBe(0);
        queue.HasQueued.ShouldBeFalse();
        queue.QueuedBytes.ShouldBe(0);
    }

    [Fact]
    public void A_second_frame_queues_behind_the_one_waiting_and_both_come_out_in_order()
    {
        var queue = new FrameQueue();
        queue.TryEnqueue(Frame(1), isEvent: true, maxEvents: 10, maxBytes: 1 << 20).ShouldBeTrue();
        queue.TryEnqueue(Comment, isEvent: false, maxEvents: 10, maxBytes: 1 << 20).ShouldBeTrue();
        queue.TryEnqueue(Frame(2), isEvent: true, maxEvents: 10, maxBytes: 1 << 20).ShouldBeTrue();
        queue.QueuedEvents.ShouldBe(2);
        queue.QueuedBytes.ShouldBe(Frame(1).Length + Comment.Length + Frame(2).Length);

        Take(ref queue).ShouldBe((Text(1), true));
        Take(ref queue).ShouldBe((":\n\n", false));
        queue.TryEnqueue(Frame(3), isEvent: true, maxEvents: 10, maxBytes: 1 << 20).ShouldBeTrue();
        Take(ref queue).ShouldBe((Text(2), true));
        Take(ref queue).ShouldBe((Text(3), true));
        queue.TryDequeue(out _, out _).ShouldBeFalse();
        queue.QueuedEvents.ShouldBe(0);
    }

    [Fact]
    public async Task A_replay_that_finds_no_room_waits_until_the_writer_makes_some()
    {
        var queue = new FrameQueue();
        queue.TryEnqueueOrWaitForRoom(Frame(1), maxEvents: 2, maxBytes: 1 << 20, out var first).ShouldBeTrue();
        first.IsCompletedSuccessfully.ShouldBeTrue();
        queue.TryEnqueueOrWaitForRoom(Frame(2), maxEvents: 2, maxBytes: 1 << 20, out _).ShouldBeTrue();
        queue.HasRoomWaiter.ShouldBeFalse();

        queue.TryEnqueueOrWaitForRoom(Frame(3), maxEvents: 2, maxBytes: 1 << 20, out var roomFreed).ShouldBeFalse();
        queue.HasRoomWaiter.ShouldBeTrue();
        await Task.Delay(20, TestContext.Current.CancellationToken);
        roomFreed.IsCompleted.ShouldBeFalse("nothing was taken yet");

        queue.TryDequeue(out _, out _).ShouldBeTrue();
        queue.SignalRoom();
        await roomFreed.WaitAsync(RealtimeTestKit.Deadline, TestContext.Current.CancellationToken);
        queue.HasRoomWaiter.ShouldBeFalse();
        queue.TryEnqueueOrWaitForRoom(Frame(3), maxEvents: 2, maxBytes: 1 << 20, out _).ShouldBeTrue();
        queue.QueuedEvents.ShouldBe(2);
    }

    [Fact]
    public void A_replayed_event_larger_than_the_byte_bound_still_goes_into_an_empty_queue_and_alone()
    {
        var queue = new FrameQueue();
        var large = new byte[5000];
        queue.TryEnqueueOrWaitForRoom(large, maxEvents: 10, maxBytes: 4096, out _).ShouldBeTrue();
        queue.TryEnqueueOrWaitForRoom(Frame(1), maxEvents: 10, maxBytes: 4096, out var roomFreed).ShouldBeFalse();
        roomFreed.IsCompleted.ShouldBeFalse();
        queue.QueuedBytes.ShouldBe(5000);
    }

    [Fact]
    public void The_last_frame_is_queued_past_the_bounds_and_is_not_an_event()
    {
        var queue = new FrameQueue();
        queue.TryEnqueue(Frame(1), isEvent: true, maxEvents: 1, maxBytes: 1024).ShouldBeTrue();
        queue.TryEnqueue(Frame(2), isEvent: true, maxEvents: 1, maxBytes: 1024).ShouldBeFalse();

        queue.PushPastBounds(new byte[2048]);

        queue.QueuedEvents.ShouldBe(1);
        queue.QueuedBytes.ShouldBe(Frame(1).Length + 2048);
        queue.TryDequeue(out _, out var firstIsEvent).ShouldBeTrue();
        firstIsEvent.ShouldBeTrue();
        queue.TryDequeue(out var last, out var lastIsEvent).ShouldBeTrue();
        last.Length.ShouldBe(2048);
        lastIsEvent.ShouldBeFalse();
    }

    [Fact]
    public async Task Signalling_room_wakes_a_waiting_replay_even_when_nothing_was_taken()
    {
        // The stream ended: the replay must wake to find that out.
        var queue = new FrameQueue();
        queue.TryEnqueueOrWaitForRoom(Frame(1), maxEvents: 1, maxBytes: 1024, out _).ShouldBeTrue();
        queue.TryEnqueueOrWaitForRoom(Frame(2), maxEvents: 1, maxBytes: 1024, out var roomFreed).ShouldBeFalse();

        queue.SignalRoom();

        await roomFreed.WaitAsync(RealtimeTestKit.Deadline, TestContext.Current.CancellationToken);
        queue.QueuedEvents.ShouldBe(1);
    }

    private static int RoundTrips(ref FrameQueue queue, byte[][] frames)
    {
        var taken = 0;
        for (var round = 0; round < 100; round++)
        {
            foreach (var frame in frames)
            {
                if (queue.TryEnqueue(frame, isEvent: frame != Comment, maxEvents: 10, maxBytes: 1 << 20)
                    && queue.TryDequeue(out var bytes, out _)
                    && bytes.Length == frame.Length)
                {
                    taken++;
                }
            }
        }

        return taken;
    }

    private static (string Text, bool IsEvent) Take(ref FrameQueue queue)
    {
        queue.TryDequeue(out var bytes, out var isEvent).ShouldBeTrue();
        return (Encoding.ASCII.GetString(bytes.Span), isEvent);
    }

    private static byte[] Frame(int n) => Encoding.ASCII.GetBytes(Text(n));

    private static string Text(int n) => $"id: {n}\ndata: {new string('x', n % 13)}\n\n";
}
