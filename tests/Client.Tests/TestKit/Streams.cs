namespace CleanSse.Client.Tests.TestKit;

/// <summary>Helpers that read a client's events with a deadline, so a broken client fails a test instead of hanging it.</summary>
public static class Streams
{
    /// <summary>Every event of a stream that ends (reconnecting off), or the first <paramref name="count"/>.</summary>
    public static async Task<List<SseEvent>> CollectAsync(SseClient client, int? count = null)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(ScriptedServer.Deadline);
        var events = new List<SseEvent>();
        if (count == 0)
        {
            return events;
        }

        await foreach (var sseEvent in client.ReadEventsAsync(deadline.Token))
        {
            events.Add(sseEvent);
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }

    /// <summary>A client of one server path that does not reconnect: the stream ends with the server's response.</summary>
    public static SseClient OneShot(ScriptedServer server, SseClientOptions? options = null) =>
        new(server.Url(), (options ?? new SseClientOptions()) with { Reconnect = false });

    /// <summary>A client that reconnects at once (no backoff), so tests never wait on real time.</summary>
    public static SseClient Reconnecting(ScriptedServer server, SseClientOptions? options = null) =>
        new(server.Url(), (options ?? new SseClientOptions()) with { RetryDelay = TimeSpan.Zero });

    /// <summary>The events of a stream, failing the test with a timeout when the next one takes longer than the deadline.</summary>
    public static async IAsyncEnumerable<SseEvent> WithDeadline(this IAsyncEnumerable<SseEvent> events)
    {
        await using var enumerator = events.GetAsyncEnumerator();
        while (await enumerator.MoveNextAsync().AsTask().WithDeadline())
        {
            yield return enumerator.Current;
        }
    }

    /// <summary>Waits for a task up to the deadline.</summary>
    public static Task WithDeadline(this Task task) => task.WaitAsync(ScriptedServer.Deadline, TestContext.Current.CancellationToken);

    public static Task<T> WithDeadline<T>(this Task<T> task) => task.WaitAsync(ScriptedServer.Deadline, TestContext.Current.CancellationToken);
}
