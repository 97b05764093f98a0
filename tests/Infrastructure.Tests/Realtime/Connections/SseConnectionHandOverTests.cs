using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using static CleanSse.Infrastructure.Tests.Realtime.RealtimeTestKit;

namespace CleanSse.Infrastructure.Tests.Realtime.Connections;

/// <summary>
/// The hand-over on one connection, hammered: the dispatcher offers events on one thread while the catch-up queues a
/// replay and goes live on another, both started together so they overlap on every step.
/// </summary>
public sealed class SseConnectionHandOverTests
{
    [Fact]
    public async Task Offers_racing_the_replay_and_GoLive_queue_every_event_once_in_order()
    {
        const int Events = 300;
        var random = new Random(20_250);
        var sent = Enumerable.Range(1, Events).Select(n => Event(n)).ToArray();
        var options = new RealtimeOptions { MaxQueuedEvents = 10_000 };
        var hub = CreateHub(options);

        for (var round = 0; round < 300; round++)
        {
            // The replay read the log up to some point, which may be behind or ahead of what was offered so far.
            var replayed = random.Next(0, Events + 1);
            var offersBeforeStart = random.Next(0, Events + 1);

            // The dispatcher serves every stream, so its offers to this one are spaced out.
            var dispatcherPace = random.Next(0, 250);
            var connection = Open(hub);
            for (var n = 0; n < offersBeforeStart; n++)
            {
                connection.Offer(sent[n]);
            }

            // Both sides spin until both are running, then start at once.
            var ready = 0;
            var dispatcher = Task.Run(
                () =>
                {
                    StartTogether(ref ready);
                    for (var n = offersBeforeStart; n < Events; n++)
                    {
                        connection.Offer(sent[n]);
                        Thread.SpinWait(dispatcherPace);
                    }
                },
                Token);
            var catchUp = Task.Run(
                async () =>
                {
                    StartTogether(ref ready);
                    for (var n = 0; n < replayed; n++)
                    {
                        await connection.EnqueueWhenRoomAsync(sent[n].Frame, Token);
                        connection.MarkQueuedThrough(sent[n].Position);
                    }

                    connection.GoLive();
                },
                Token);
            await Within(Task.WhenAll(dispatcher, catchUp), $"round {round} to finish");

            var client = StreamClient.ReadingFromStart();
            var pump = connection.StartWriting(client.Output);
            await WaitUntilAsync(() => connection.QueuedEvents == 0, $"round {round}: the queue to drain");
            connection.Disconnect(DisconnectReason.ClientGone);
            await Within(pump, $"round {round}: the pump to end");
            await client.Output.CompleteAsync();
            await Within(client.Reading, $"round {round}: the client to read everything");

            client.Events.Select(e => e.LastEventId).ShouldBeSequence(
                sent.Select(e => e.Id),
                $"round {round} (replayed {replayed}, {offersBeforeStart} offered before the race)");
            hub.Remove(connection);
        }
    }

    private static void StartTogether(ref int ready)
    {
        Interlocked.Increment(ref ready);
        var spin = new SpinWait();
        while (Volatile.Read(ref ready) < 2)
        {
            spin.SpinOnce(sleep1Threshold: -1);
        }
    }
}
