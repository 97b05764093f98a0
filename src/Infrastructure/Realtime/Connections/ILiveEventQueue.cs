using CleanSse.Infrastructure.Realtime.EventLog;

namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>Where the hand-over puts the events it held: the stream's queue, bounded as any live event is.</summary>
internal interface ILiveEventQueue
{
    /// <summary>Queues the event, or ends the stream as too slow and returns false.</summary>
    bool TryEnqueueLive(LoggedEvent logged);
}
