using System.IO.Pipelines;
using CleanSse.Application;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
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
        stalled.WriterState.ShouldBe(WriterState.Flushing, "the stalled stream waits on its flush, not in a loop");

        stalled.Disconnect(DisconnectReason.SlowClient);
        await Within(stalledPump, "the stalled stream to end once its flush is cancelled");
        healthy.Disconnect(DisconnectReason.ClientGone);
        await Within(healthyPump, "the healthy pump to end");
    }

    [Fact]
    public async Task The_loops_run_from_the_host_start_and_the_stop_waits_for_every_one_to_end()
    {
        var writers = new SseWriterPool(Options.Create(new RealtimeOptions { Writers = 3 }));
        writers.RunningLoops.ShouldBe(0);

        await writers.StartAsync(Token);
        writers.RunningLoops.ShouldBe(3);
        await Should.ThrowAsync<InvalidOperationException>(() => writers.StartAsync(Token));

        await Within(writers.StopAsync(Token), "the writer loops to stop");
        writers.RunningLoops.ShouldBe(0);
    }

    [Fact]
    public async Task A_stream_put_in_line_before_the_start_is_written_once_the_loops_run()
    {
        var options = new RealtimeOptions { Writers = 1 };
        var writers = new SseWriterPool(Options.Create(options));
        var hub = new SseConnectionHub(Options.Create(options), CreateMetrics(), writers);
        var connection = Open(hub);
        var client = StreamClient.ReadingFromStart();
        var ended = connection.StartWriting(client.Output);
        connection.GoLive();
        connection.Offer(Event(1));
        await Task.Delay(50, Token);
        client.Events.ShouldBeEmpty();

        await writers.StartAsync(Token);

        await WaitUntilAsync(() => client.Events.Count == 1, "the event written once the loops run");
        connection.Disconnect(DisconnectReason.ClientGone);
        await Within(ended, "the stream to end");
        await Within(writers.StopAsync(Token), "the writer loops to stop");
    }

    [Fact]
    public async Task The_host_starts_the_pool_before_the_services_that_queue_frames_and_stops_it_after_them()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Orders"] = "Data Source=:memory:",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddApplication().AddInfrastructure(configuration);
        services.AddSingleton<IHostApplicationLifetime, NoLifetime>();
        await using var provider = services.BuildServiceProvider();

        var hosted = provider.GetServices<IHostedService>().ToList();
        var writers = provider.GetRequiredService<SseWriterPool>();
        hosted.Count(service => ReferenceEquals(service, writers)).ShouldBe(1, "the pool is the one the hub writes with");
        var pool = hosted.IndexOf(writers);
        hosted.FindIndex(service => service is LiveEventDispatcher).ShouldBeGreaterThan(pool);
        hosted.FindIndex(service => service is HeartbeatService).ShouldBeGreaterThan(pool);
        hosted.FindIndex(service => service is StreamShutdownService).ShouldBeGreaterThan(pool);
    }

    private sealed class NoLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
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
