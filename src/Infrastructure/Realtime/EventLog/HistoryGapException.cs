namespace CleanSse.Infrastructure.Realtime.EventLog;

/// <summary>Events after the position asked for were trimmed from the log before they could be read.</summary>
public sealed class HistoryGapException : Exception
{
    public HistoryGapException()
        : base("Events after the requested position are no longer retained.")
    {
    }

    public HistoryGapException(string message)
        : base(message)
    {
    }

    public HistoryGapException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
