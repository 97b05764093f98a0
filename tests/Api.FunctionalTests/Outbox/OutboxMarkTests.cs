using System.Globalization;
using CleanSse.Application.Common.Events;
using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.TestKit;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Api.FunctionalTests.Outbox;

/// <summary>
/// A request answers once its events are on the streams; marking their rows published is bookkeeping that follows
/// (a mark that is lost only makes a repeat, which the log drops), so the request does not wait for it.
/// </summary>
public sealed class OutboxMarkTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_order_is_answered_and_streamed_while_its_outbox_mark_is_still_held()
    {
        var marks = new HeldMarks();
        await using var host = await StartAsync(marks);
        using var http = host.CreateClient();
        var orders = new OrdersApiClient(http);
        await using var stream = await OpenStreamAsync(host);

        marks.Hold();
        var created = await orders.CreateAsync("answered before its mark", cancellationToken: Token).WaitAsync(Eventually.DefaultTimeout, Token);

        var streamed = await stream.ReadEventAsync();
        streamed.EventType.ShouldBe("new-order");
        OrdersApiClient.SameJson(created.Json, streamed.Data).ShouldBeTrue(streamed.Data);
        await Eventually.HoldsAsync(() => marks.Waiting == 1, "the mark of its batch is asked for, and held", cancellationToken: Token);
        (await IsPendingAsync(host, created.Id)).ShouldBeTrue("its row is marked only once the mark goes through");

        marks.Release();
        await Eventually.HoldsAsync(async () => !await IsPendingAsync(host, created.Id), "the row is marked once the mark is let through", cancellationToken: Token);
    }

    [Fact]
    public async Task The_next_order_is_answered_and_streamed_while_the_previous_mark_is_still_held()
    {
        var marks = new HeldMarks();
        await using var host = await StartAsync(marks);
        using var http = host.CreateClient();
        var orders = new OrdersApiClient(http);
        await using var stream = await OpenStreamAsync(host);

        marks.Hold();
        var first = await orders.CreateAsync("first, its mark held", cancellationToken: Token).WaitAsync(Eventually.DefaultTimeout, Token);
        (await stream.ReadEventAsync()).Data.ShouldNotBeNull().ShouldContain(first.Id);
        await Eventually.HoldsAsync(() => marks.Waiting == 1, "the first order's mark is asked for, and held", cancellationToken: Token);

        // The dispatcher's next run skips the row whose mark is in flight and publishes the new one.
        var second = await orders.CreateAsync("second, while the first mark waits", cancellationToken: Token).WaitAsync(Eventually.DefaultTimeout, Token);
        var streamed = await stream.ReadEventAsync();
        streamed.EventType.ShouldBe("new-order");
        OrdersApiClient.SameJson(second.Json, streamed.Data).ShouldBeTrue(streamed.Data);
        (await IsPendingAsync(host, first.Id)).ShouldBeTrue("the first mark is still held");

        marks.Release();
        await Eventually.HoldsAsync(
            async () => !await IsPendingAsync(host, first.Id) && !await IsPendingAsync(host, second.Id),
            "both rows are marked once the marks go through",
            cancellationToken: Token);
        var third = await orders.CreateAsync("third", cancellationToken: Token).WaitAsync(Eventually.DefaultTimeout, Token);
        (await stream.ReadEventAsync()).Data.ShouldNotBeNull().ShouldContain(third.Id, customMessage: "each order once, in order: nothing appended twice came between");
    }

    /// <summary>The service with every outbox mark passing through <paramref name="marks"/>, and no sweep of its own.</summary>
    private static Task<ServiceHost> StartAsync(HeldMarks marks) =>
        ServiceHost.StartAsync(
            settings: new Dictionary<string, string?> { ["Outbox:PollInterval"] = "01:00:00" },
            configureServices: services => services.AddScoped<IOutbox>(provider => new HeldOutbox(provider.GetRequiredService<OutboxStore>(), marks)),
            cancellationToken: Token);

    private static async Task<SseReader> OpenStreamAsync(ServiceHost host)
    {
        var stream = await SseReader.OpenAsync(host);
        (await stream.ReadEventAsync()).Data.ShouldBe("""{"type":"connected"}""");
        return stream;
    }

    private static async Task<bool> IsPendingAsync(ServiceHost host, string orderId)
    {
        await using var db = new SqliteConnection($"Data Source={host.DatabasePath};Pooling=False");
        await db.OpenAsync(Token);
        await using var command = db.CreateCommand();
        command.CommandText = """SELECT "DispatchedAt" IS NULL FROM "OutboxMessages" WHERE json_extract("Payload", '$.id') = $orderId""";
        command.Parameters.AddWithValue("$orderId", orderId);
        return Convert.ToBoolean(await command.ExecuteScalarAsync(Token), CultureInfo.InvariantCulture);
    }

    /// <summary>Holds every mark asked for while held, until released.</summary>
    private sealed class HeldMarks
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private volatile bool _held;
        private int _waiting;

        public int Waiting => Volatile.Read(ref _waiting);

        public void Hold() => _held = true;

        public void Release() => _released.TrySetResult();

        public async Task PassAsync(CancellationToken cancellationToken)
        {
            if (!_held)
            {
                return;
            }

            Interlocked.Increment(ref _waiting);
            await _released.Task.WaitAsync(cancellationToken);
        }
    }

    private sealed class HeldOutbox(OutboxStore store, HeldMarks marks) : IOutbox
    {
        public async Task MarkPublishedAsync(IReadOnlyList<Guid> eventIds, IReadOnlyList<string> positions, CancellationToken cancellationToken)
        {
            await marks.PassAsync(cancellationToken);
            await store.MarkPublishedAsync(eventIds, positions, cancellationToken);
        }
    }
}
