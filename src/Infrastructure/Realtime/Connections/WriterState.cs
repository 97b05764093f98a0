namespace CleanSse.Infrastructure.Realtime.Connections;

/// <summary>Where a stream's writer stands; only the holder of <see cref="Scheduled"/> or <see cref="Flushing"/> writes.</summary>
internal enum WriterState
{
    /// <summary>No transport yet: frames queue up, nothing is written, and an end waits for the start.</summary>
    Unstarted,

    /// <summary>Nothing to write, or nobody holds the stream: the next producer puts it in line.</summary>
    Idle,

    /// <summary>In line at the writer pool, or being written by one of its loops.</summary>
    Scheduled,

    /// <summary>Written; the flush waits on the client, and its completion carries on (no loop is held).</summary>
    Flushing,

    /// <summary>Ended: nothing is written any more.</summary>
    Done,
}
