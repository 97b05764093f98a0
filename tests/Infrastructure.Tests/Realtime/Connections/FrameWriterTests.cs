using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using CleanSse.Infrastructure.Realtime.Connections;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime.Connections;

public sealed class FrameWriterTests
{
    [Fact]
    public void Until_it_is_started_and_released_nobody_may_write_or_end_it()
    {
        var writer = new FrameWriter();
        writer.State.ShouldBe(WriterState.Unstarted);
        writer.TrySchedule().ShouldBeFalse();
        writer.TryRetireIdle().ShouldBeFalse();
        Should.Throw<InvalidOperationException>(() => writer.Output);

        var pipe = new Pipe();
        writer.TryAttach(pipe.Writer).ShouldBeTrue();
        writer.TryAttach(new Pipe().Writer).ShouldBeFalse();
        writer.Output.ShouldBeSameAs(pipe.Writer);
        writer.State.ShouldBe(WriterState.Unstarted);

        writer.Release();
        writer.State.ShouldBe(WriterState.Idle);
    }

    [Fact]
    public void Only_one_producer_puts_an_idle_stream_in_line()
    {
        var writer = Started();

        writer.TrySchedule().ShouldBeTrue();
        writer.State.ShouldBe(WriterState.Scheduled);
        writer.TrySchedule().ShouldBeFalse();
        writer.TryRetireIdle().ShouldBeFalse("a stream held by a writer is ended by that writer");

        writer.Release();
        writer.TrySchedule().ShouldBeTrue();
    }

    [Fact]
    public async Task A_flush_waiting_on_the_client_holds_the_stream_until_its_result_is_taken()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        var writer = Started(pipe.Writer);
        writer.TrySchedule().ShouldBeTrue();

        var flush = WriteUnread(pipe.Writer);
        flush.IsCompleted.ShouldBeFalse("nobody reads the pipe");
        writer.WaitForFlush(flush);
        writer.State.ShouldBe(WriterState.Flushing);
        writer.TrySchedule().ShouldBeFalse();

        var read = await pipe.Reader.ReadAsync(Token);
        pipe.Reader.AdvanceTo(read.Buffer.End);
        await WaitUntilAsync(() => flush.IsCompleted, "the flush to complete once the client reads");

        var result = writer.TakeFlushResult();
        result.IsCanceled.ShouldBeFalse();
        result.IsCompleted.ShouldBeFalse();
        writer.State.ShouldBe(WriterState.Scheduled);
    }

    [Fact]
    public async Task Cancelling_cuts_short_only_a_flush_that_waits()
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 1, resumeWriterThreshold: 1, useSynchronizationContext: false));
        var writer = Started(pipe.Writer);

        // Idle: nothing waits, so nothing is cancelled (a cancel now would cut short the next flush instead).
        writer.CancelWaitingFlush();
        writer.TrySchedule().ShouldBeTrue();
        var flush = WriteUnread(pipe.Writer);
        flush.IsCompleted.ShouldBeFalse("a cancel before the flush must not have been left pending");
        writer.WaitForFlush(flush);

        writer.CancelWaitingFlush();

        await WaitUntilAsync(() => flush.IsCompleted, "the cancelled flush to complete");
        writer.TakeFlushResult().IsCanceled.ShouldBeTrue();
    }

    [Fact]
    public void The_first_reason_to_stop_is_the_one_kept()
    {
        var writer = Started();
        writer.StopReason.ShouldBe(DisconnectReason.None);

        writer.TryStop(DisconnectReason.Shutdown).ShouldBeTrue();
        writer.TryStop(DisconnectReason.SlowClient).ShouldBeFalse();
        writer.TryStop(DisconnectReason.ClientGone).ShouldBeFalse();

        writer.StopReason.ShouldBe(DisconnectReason.Shutdown);
        writer.State.ShouldBe(WriterState.Idle, "recording the reason leaves the ending to the stream");
    }

    [Fact]
    public void A_retired_stream_is_never_written_again()
    {
        var writer = Started();
        writer.TryRetireIdle().ShouldBeTrue();
        writer.State.ShouldBe(WriterState.Done);
        writer.TrySchedule().ShouldBeFalse();
        writer.TryRetireIdle().ShouldBeFalse("a stream ends once");

        var held = Started();
        held.TrySchedule().ShouldBeTrue();
        held.Retire();
        held.State.ShouldBe(WriterState.Done);
        held.TrySchedule().ShouldBeFalse();
    }

    /// <summary>Writes to a pipe nobody reads: the flush waits, and is consumed once, through the writer, as a stream's is.</summary>
    private static ConfiguredValueTaskAwaitable<FlushResult>.ConfiguredValueTaskAwaiter WriteUnread(PipeWriter output) =>
#pragma warning disable CA2012
        output.WriteAsync(new byte[16], Token).ConfigureAwait(false).GetAwaiter();
#pragma warning restore CA2012

    private static FrameWriter Started(PipeWriter? output = null)
    {
        var writer = new FrameWriter();
        writer.TryAttach(output ?? new Pipe().Writer).ShouldBeTrue();
        writer.Release();
        return writer;
    }
}
