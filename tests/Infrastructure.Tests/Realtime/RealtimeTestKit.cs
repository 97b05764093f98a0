using System.Diagnostics.Metrics;
using System.Globalization;
using CleanSse.Infrastructure.Realtime;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CleanSse.Infrastructure.Tests.Realtime;

internal static class RealtimeTestKit
{
    /// <summary>How long a test waits for something that should happen; only ever a bound, never a measurement.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static readonly ServiceProvider MetricsServices = new ServiceCollection().AddMetrics().BuildServiceProvider();

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static RealtimeMetrics CreateMetrics() => new(MetricsServices.GetRequiredService<IMeterFactory>());

    public static SseConnectionHub CreateHub(RealtimeOptions options) => CreateHub(options, CreateMetrics());

    /// <summary>A hub whose writer pool has been started, as the host starts it.</summary>
    public static SseConnectionHub CreateHub(RealtimeOptions options, RealtimeMetrics metrics) =>
        new(Options.Create(options), metrics, StartWriters(options));

    /// <summary>A started writer pool; its loops stay parked once a test is done with them, holding no thread.</summary>
    public static SseWriterPool StartWriters(RealtimeOptions options)
    {
        var writers = new SseWriterPool(Options.Create(options));
        writers.StartAsync(Token).IsCompletedSuccessfully.ShouldBeTrue();
        return writers;
    }

    public static StreamCatchUp CreateCatchUp(IEventLog log, RealtimeOptions options) =>
        new(log, CreateMetrics(), Options.Create(options), NullLogger<StreamCatchUp>.Instance);

    public static InMemoryEventLog CreateLog(int maxEvents = 100_000) =>
        new(Options.Create(new EventLogOptions { MaxEvents = maxEvents, MaxAge = TimeSpan.FromHours(1) }), TimeProvider.System);

    public static SseConnection Open(SseConnectionHub hub, string address = "192.0.2.1") => OpenUntil(hub, address, Token);

    /// <summary>Opens a staff stream, which carries every event, whose request is aborted with <paramref name="requestAborted"/>.</summary>
    public static SseConnection OpenUntil(SseConnectionHub hub, string address, CancellationToken requestAborted) =>
        OpenForUntil(hub, StreamAudience.Staff, address, requestAborted);

    /// <summary>Opens a stream of <paramref name="audience"/>.</summary>
    public static SseConnection OpenFor(SseConnectionHub hub, StreamAudience audience, string address = "192.0.2.1") =>
        OpenForUntil(hub, audience, address, Token);

    /// <summary>Opens a stream of <paramref name="audience"/> whose request is aborted with <paramref name="requestAborted"/>.</summary>
    public static SseConnection OpenForUntil(SseConnectionHub hub, StreamAudience audience, string address, CancellationToken requestAborted)
    {
        hub.TryOpen(address, audience, requestAborted, out var connection).ShouldBe(ConnectionRefusal.None);
        return connection.ShouldNotBeNull();
    }

    /// <summary>An event as the log would hand it out, with <paramref name="data"/> padded to at least <paramref name="size"/> characters.</summary>
    public static LoggedEvent Event(long sequence, int size = 0, string? ownerId = null)
    {
        var data = string.Create(CultureInfo.InvariantCulture, $"{{\"n\":{sequence}}}").PadRight(size, ' ');
        return new LoggedEvent(new EventPosition(sequence, 0), IdOf(sequence), "order-updated", data, DateTimeOffset.UnixEpoch, ownerId: ownerId);
    }

    public static string IdOf(long sequence) => string.Create(CultureInfo.InvariantCulture, $"e-{sequence}");

    public static async Task WaitUntilAsync(Func<bool> condition, Func<string> describe)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(Token);
        deadline.CancelAfter(Deadline);
        while (!condition())
        {
            if (deadline.IsCancellationRequested)
            {
                Token.ThrowIfCancellationRequested();
                throw new TimeoutException($"Gave up waiting: {describe()}");
            }

            await Task.Delay(2, CancellationToken.None);
        }
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(condition, () => what);

    /// <summary>Awaits <paramref name="task"/>, failing the test rather than hanging when it does not end.</summary>
    public static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Deadline, Token);
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"Gave up waiting: {what}", exception);
        }
    }

    /// <summary>Awaits <paramref name="task"/> for its result, failing the test rather than hanging when it does not end.</summary>
    public static async Task<T> Within<T>(Task<T> task, string what)
    {
        await Within((Task)task, what);
        return await task;
    }

    /// <summary>Compares two sequences and, when they differ, tells where, without printing thousands of items.</summary>
    public static void ShouldBeSequence<T>(this IEnumerable<T> actual, IEnumerable<T> expected, string? context = null)
    {
        var actualItems = actual.ToList();
        var expectedItems = expected.ToList();
        var common = Math.Min(actualItems.Count, expectedItems.Count);
        var firstDifference = Enumerable.Range(0, common).FirstOrDefault(i => !EqualityComparer<T>.Default.Equals(actualItems[i], expectedItems[i]), -1);
        if (firstDifference < 0 && actualItems.Count == expectedItems.Count)
        {
            return;
        }

        var at = firstDifference >= 0 ? firstDifference : common;
        string Around(List<T> items) => string.Join(", ", items.Skip(Math.Max(0, at - 3)).Take(7));
        throw new ShouldAssertException(
            $"{context}{(context is null ? string.Empty : ": ")}sequences differ at index {at} (expected {expectedItems.Count} items, got {actualItems.Count}).\n"
            + $"  expected around it: [{Around(expectedItems)}]\n  actual around it:   [{Around(actualItems)}]");
    }
}
