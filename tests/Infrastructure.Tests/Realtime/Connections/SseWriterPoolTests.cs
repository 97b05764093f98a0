using System.IO.Pipelines;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime.Connections;

public sealed class SseWriterPoolTests
{
    [Fact]
    public async Task Frames_queued_while_a_flush_waits_on_the_client_go_out_in_one_flush()
    {
        var connection = Open(CreateHub(new RealtimeOptions()));
        var output = new GatedPipeWriter();
        var pump = connection.StartWriting(output);
        connection.GoLive();

        connection.Offer(Event(1));
        await WaitUntilAsync(() => output.Flushes == 1, () => $"the first flush, saw {output.Flushes}");

        // The client is not reading: everything offered now waits in the stream's queue, not in the transport.
        for (var n = 2; n <= 50; n++)
        {
            connection.Offer(Event(n));
        }

        connection.QueuedEvents.ShouldBe(49);
        output.Flushes.ShouldBe(1);

        output.Open();
        await WaitUntilAsync(() => connection.QueuedEvents == 0 && output.Flushes == 2, () => $"the backlog flushed, {output.Flushes} flushes");
        output.WrittenBetweenFlushes.ShouldBe([Event(1).Frame.Length, Enumerable.Range(2, 49).Sum(n => Event(n).Frame.Length)]);

        connection.Disconnect(DisconnectReason.ClientGone);
        await Within(pump, "the pump to end");
    }

    [Fact]
    public async Task A_stream_whose_client_stopped_reading_holds_no_writer_while_others_are_written()
    {
        // One writer loop for all: if a waiting flush held it, nothing else would ever be written.
        var hub = CreateHub(new RealtimeOptions { Writers = 1 });
        var stalled = Open(hub, "198.51.100.7");
        var stalledOutput = new GatedPipeWriter();
        var stalledPump = stalled.StartWriting(stalledOutput);
        stalled.GoLive();
        stalled.Offer(Event(1));
        await WaitUntilAsync(() => stalledOutput.Flushes == 1, "the stalled stream's first flush");

        var healthy = Open(hub);
        var client = StreamClient.ReadingFromStart();
        var healthyPump = healthy.StartWriting(client.Output);
        healthy.GoLive();
        for (var n = 1; n <= 100; n++)
        {
            hub.Broadcast(Event(n));
        }

        await WaitUntilAsync(() => client.Events.Count == 100, () => $"100 events to the healthy client, got {client.Events.Count}");
        stalledOutput.Flushes.ShouldBe(1);

        stalled.Disconnect(DisconnectReason.SlowClient);
        await Within(stalledPump, "the stalled stream to end once its flush is cancelled");
        healthy.Disconnect(DisconnectReason.ClientGone);
        await Within(healthyPump, "the healthy pump to end");
    }

    /// <summary>A transport whose flushes stay pending until opened, and that records how much each flush carried.</summary>
    private sealed class GatedPipeWriter : PipeWriter
    {
        private readonly Lock _gate = new();
        private readonly List<int> _flushed = [];
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private byte[] _buffer = new byte[256];
        private int _unflushed;
        private bool _cancelled;

        public int Flushes
        {
            get
            {
                lock (_gate)
                {
                    return _flushed.Count;
                }
            }
        }

        public IReadOnlyList<int> WrittenBetweenFlushes
        {
            get
            {
                lock (_gate)
                {
                    return [.. _flushed];
                }
            }
        }

        public void Open() => _open.TrySetResult();

        public override void Advance(int bytes) => _unflushed += bytes;

        public override Memory<byte> GetMemory(int sizeHint = 0)
        {
            if (_buffer.Length < Math.Max(sizeHint, 1))
            {
                _buffer = new byte[Math.Max(sizeHint, _buffer.Length * 2)];
            }

            return _buffer;
        }

        public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

        public override void CancelPendingFlush()
        {
            lock (_gate)
            {
                _cancelled = true;
            }

            Open();
        }

        public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                _flushed.Add(_unflushed);
                _unflushed = 0;
            }

            return _open.Task.IsCompleted ? new(Result()) : new(WaitAsync());

            async Task<FlushResult> WaitAsync()
            {
                await _open.Task;
                return Result();
            }
        }

        public override void Complete(Exception? exception = null)
        {
        }

        private FlushResult Result()
        {
            lock (_gate)
            {
                return new FlushResult(isCanceled: _cancelled, isCompleted: false);
            }
        }
    }
}
