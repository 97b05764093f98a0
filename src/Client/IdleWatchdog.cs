namespace CleanSse.Client;

/// <summary>
/// Cancels a connection when the client has waited too long for a byte. It is armed only while a read (or the wait
/// for the response headers) is pending, so time the consumer spends on an event is never counted.
/// </summary>
internal sealed class IdleWatchdog : IDisposable
{
    private readonly CancellationTokenSource _connection;
    private readonly TimeSpan _timeout;
    private readonly ITimer? _timer;
    private int _fired;

    public IdleWatchdog(TimeSpan? timeout, TimeProvider timeProvider, CancellationTokenSource connection)
    {
        _connection = connection;
        if (timeout is { } value)
        {
            _timeout = value;
            _timer = timeProvider.CreateTimer(
                static state => ((IdleWatchdog)state!).Fire(),
                this,
                Timeout.InfiniteTimeSpan,
                Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>True once the timeout elapsed and the connection was cancelled because of it.</summary>
    public bool Fired => Volatile.Read(ref _fired) != 0;

    public TimeSpan Limit => _timeout;

    public void Arm() => _timer?.Change(_timeout, Timeout.InfiniteTimeSpan);

    public void Disarm() => _timer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);

    public void Dispose() => _timer?.Dispose();

    private void Fire()
    {
        Volatile.Write(ref _fired, 1);
        try
        {
            _connection.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended while the timer fired.
        }
    }
}
