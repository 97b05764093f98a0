using System.Collections.Concurrent;
using System.Net;
using CleanSse.Client.Tests.TestKit;
using Microsoft.AspNetCore.Http;

namespace CleanSse.Client.Tests;

/// <summary>
/// Reconnecting after a stream ends or breaks: <c>Last-Event-ID</c> as the standard asks (the
/// <c>eventsource-reconnect</c> cases), then what this client adds: backoff, <c>Retry-After</c>, a limit of
/// attempts, an idle timeout and a headers callback.
/// </summary>
public sealed class ReconnectTests
{
    [Fact]
    public async Task A_socket_error_while_connecting_is_retried_like_any_other_connection_failure()
    {
        await using var server = await ScriptedServer.StreamingAsync("id: 1\ndata: after the reset\n\n");
        using var handler = new FailingOnceHandler(SseClient.CreateHandler(), new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionReset));
        using var http = new HttpClient(handler);
        using var client = new SseClient(http, server.Url(), new SseClientOptions { RetryDelay = TimeSpan.Zero, MaxAttempts = 3 });

        var events = await Streams.CollectAsync(client, count: 1);

        events.ShouldBe([new SseEvent("message", "after the reset", "1")]);
        handler.Attempts.ShouldBe(2);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task A_clean_end_reconnects_with_the_last_event_id(Delivery delivery)
    {
        await using var server = await ScriptedServer.StartAsync((context, number) => number switch
        {
            1 => ScriptedServer.WriteStreamAsync(context, "id: 1\ndata: a\n\nid: 2\ndata: b\n\n", delivery),
            _ => ScriptedServer.WriteStreamAsync(context, "data: c\n\nid: 3\ndata: d\n\n", delivery),
        });
        using var client = Streams.Reconnecting(server);

        var events = await Streams.CollectAsync(client, count: 4);

        events.Select(e => (e.Data, e.LastEventId)).ShouldBe([("a", "1"), ("b", "2"), ("c", "2"), ("d", "3")]);
        (await server.NextRequestAsync()).Header("Last-Event-ID").ShouldBeNull();
        var reconnect = await server.NextRequestAsync();
        reconnect.Header("Last-Event-ID").ShouldBe("2");
        reconnect.Header("Accept").ShouldBe("text/event-stream");
        reconnect.Header("Cache-Control").ShouldBe("no-cache");
    }

    [Fact]
    public async Task A_broken_connection_reconnects_with_the_last_event_id()
    {
        // The server breaks the connection (a reset, which may discard bytes not yet read) only once the client has
        // the first event, so what the test sees does not depend on timing.
        var firstReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (context, number) =>
        {
            if (number == 1)
            {
                await ScriptedServer.WriteStreamAsync(context, "id: 7\ndata: a\n\ndata: half");
                await firstReceived.Task.WithDeadline();
                context.Abort();
                return;
            }

            await ScriptedServer.WriteStreamAsync(context, "data: b\n\n");
        });
        var reconnects = new ConcurrentQueue<SseReconnecting>();
        using var client = Streams.Reconnecting(server, new SseClientOptions { OnReconnecting = reconnects.Enqueue });
        var events = new List<SseEvent>();

        await foreach (var sseEvent in client.ReadEventsAsync(TestContext.Current.CancellationToken).WithDeadline())
        {
            events.Add(sseEvent);
            firstReceived.TrySetResult();
            if (events.Count == 2)
            {
                break;
            }
        }

        events.Select(e => (e.Data, e.LastEventId)).ShouldBe([("a", "7"), ("b", "7")]);
        (await server.NextRequestAsync()).Number.ShouldBe(1);
        (await server.NextRequestAsync()).Header("Last-Event-ID").ShouldBe("7");
        var reconnect = reconnects.ShouldHaveSingleItem();
        reconnect.Error.ShouldNotBeNull();
        reconnect.Attempt.ShouldBe(2);
        reconnect.FailedAttempts.ShouldBe(0);
    }

    [Fact]
    public async Task The_last_event_id_is_carried_across_several_connections_and_set_by_id_only_blocks()
    {
        await using var server = await ScriptedServer.StartAsync((context, number) => number switch
        {
            1 => ScriptedServer.WriteStreamAsync(context, "data: a\n\nid: 10\n\n"),
            2 => ScriptedServer.WriteStreamAsync(context, ":nothing\n\n"),
            _ => ScriptedServer.WriteStreamAsync(context, "data: b\n\n"),
        });
        using var client = Streams.Reconnecting(server);

        var events = await Streams.CollectAsync(client, count: 2);

        events.Select(e => (e.Data, e.LastEventId)).ShouldBe([("a", ""), ("b", "10")]);
        (await server.NextRequestAsync()).Header("Last-Event-ID").ShouldBeNull();
        (await server.NextRequestAsync()).Header("Last-Event-ID").ShouldBe("10");
        (await server.NextRequestAsync()).Header("Last-Event-ID").ShouldBe("10");
    }

    [Fact]
    public async Task An_empty_id_clears_the_last_event_id_so_no_header_is_sent()
    {
        await using var server = await ScriptedServer.StartAsync((context, number) => number switch
        {
            1 => ScriptedServer.WriteStreamAsync(context, "id: 1\ndata: a\n\nid\ndata: b\n\n"),
            _ => ScriptedServer.WriteStreamAsync(context, "data: c\n\n"),
        });
        using var client = Streams.Reconnecting(server);

        var events = await Streams.CollectAsync(client, count: 3);

        events.Select(e => e.LastEventId).ShouldBe(["1", "", ""]);
        await server.NextRequestAsync();
        (await server.NextRequestAsync()).Header("Last-Event-ID").ShouldBeNull();
    }

    [Fact]
    public async Task An_id_with_NUL_does_not_change_the_id_sent_on_reconnect()
    {
        await using var server = await ScriptedServer.StartAsync((context, number) => number switch
        {
            1 => ScriptedServer.WriteStreamAsync(context, "id: 1\ndata: a\n\nid: 2\0\ndata: b\n\n"),
            _ => ScriptedServer.WriteStreamAsync(context, "data: c\n\n"),
        });
        using var client = Streams.Reconnecting(server);

        await Streams.CollectAsync(client, count: 3);

        await server.NextRequestAsync();
        (await server.NextRequestAsync()).Header("Last-Event-ID").ShouldBe("1");
    }

    [Fact]
    public async Task An_id_outside_ASCII_is_sent_back_as_UTF8()
    {
        const string id = "caf\u00e9-\u20ac-\U0001F600";
        await using var server = await ScriptedServer.StartAsync((context, number) => number switch
        {
            1 => ScriptedServer.WriteStreamAsync(context, $"id: {id}\ndata: a\n\n"),
            _ => ScriptedServer.WriteStreamAsync(context, "data: b\n\n"),
        });
        using var client = Streams.Reconnecting(server);

        await Streams.CollectAsync(client, count: 2);

        await server.NextRequestAsync();
        (await server.NextRequestAsync()).Header("Last-Event-ID").ShouldBe(id);
    }

    [Theory]
    [InlineData(Delivery.Whole)]
    [InlineData(Delivery.OneByteChunks)]
    public async Task The_last_valid_retry_field_is_the_floor_of_the_reconnect_delay(Delivery delivery)
    {
        const string body =
            "retry: 250\n\n" +
            "retry: 1500\ndata: a\n\n" +
            "retry: 15x\n\n" +
            "retry: -1\n\n" +
            "retry: +7\n\n" +
            "retry: 1.5\n\n" +
            "retry:  200\n\n" +
            "retry:\n\n" +
            "retry\n\n" +
            "data: b\n\n";
        var delay = await FirstReconnectDelayAsync(body, delivery);

        delay.ShouldBe(TimeSpan.FromMilliseconds(1500));
    }

    [Fact]
    public async Task A_retry_field_with_leading_zeros_is_a_number()
    {
        (await FirstReconnectDelayAsync("retry: 0042\n\n", Delivery.Whole)).ShouldBe(TimeSpan.FromMilliseconds(42));
    }

    [Fact]
    public async Task The_server_retry_outlives_the_connection_that_sent_it()
    {
        await using var server = await ScriptedServer.StartAsync((context, number) => number switch
        {
            1 => ScriptedServer.WriteStreamAsync(context, "retry: 5\ndata: a\n\n"),
            _ => ScriptedServer.WriteStreamAsync(context, "data: b\n\n"),
        });
        var delays = new ConcurrentQueue<TimeSpan>();
        using var client = Streams.Reconnecting(server, new SseClientOptions { OnReconnecting = r => delays.Enqueue(r.Delay) });

        await Streams.CollectAsync(client, count: 3);

        delays.ShouldBe([TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5)]);
    }

    [Theory]
    [InlineData(429)]
    [InlineData(503)]
    public async Task Retry_After_on_429_and_503_is_waited_out_then_the_client_reconnects(int status)
    {
        await using var server = await ScriptedServer.StartAsync((context, number) =>
        {
            if (number == 1)
            {
                context.Response.StatusCode = status;
                context.Response.Headers.RetryAfter = "120";
                return Task.CompletedTask;
            }

            return ScriptedServer.WriteStreamAsync(context, "data: in\n\n");
        });
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var scheduled = new TaskCompletionSource<SseReconnecting>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = Streams.Reconnecting(server, new SseClientOptions
        {
            TimeProvider = clock,
            OnReconnecting = r => scheduled.TrySetResult(r),
        });

        var read = Streams.CollectAsync(client, count: 1);
        var reconnect = await scheduled.Task.WithDeadline();

        reconnect.Delay.ShouldBe(TimeSpan.FromSeconds(120));
        reconnect.StatusCode.ShouldBe((HttpStatusCode)status);
        reconnect.FailedAttempts.ShouldBe(1);
        await AdvanceUntilAsync(clock, () => read.IsCompleted, TimeSpan.FromSeconds(10));
        (await read).ShouldHaveSingleItem().Data.ShouldBe("in");

        // The fake clock only moves by the test's steps, so the second request cannot come before 120 s of it.
        clock.GetUtcNow().ShouldBeGreaterThanOrEqualTo(clock.Start.AddSeconds(120));
        server.RequestCount.ShouldBe(2);
    }

    [Fact]
    public async Task Retry_After_may_be_a_date()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        await using var server = await ScriptedServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "Tue, 01 Jan 2030 00:01:30 GMT";
            return Task.CompletedTask;
        });
        var scheduled = new TaskCompletionSource<SseReconnecting>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = Streams.Reconnecting(server, new SseClientOptions
        {
            TimeProvider = clock,
            OnReconnecting = r => scheduled.TrySetResult(r),
        });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var read = Task.Run(async () => await client.ReadEventsAsync(stop.Token).ToListAsync(stop.Token), stop.Token);
        var reconnect = await scheduled.Task.WithDeadline();
        await stop.CancelAsync();

        reconnect.Delay.ShouldBe(TimeSpan.FromSeconds(90));
        await Should.ThrowAsync<OperationCanceledException>(() => read.WithDeadline());
    }

    [Fact]
    public async Task A_503_without_Retry_After_backs_off_and_the_limit_of_attempts_ends_the_stream()
    {
        await using var server = await ScriptedServer.StartAsync((context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        });
        var reconnects = new ConcurrentQueue<SseReconnecting>();
        using var client = new SseClient(server.Url(), new SseClientOptions
        {
            RetryDelay = TimeSpan.FromMilliseconds(1),
            MaxRetryDelay = TimeSpan.FromMilliseconds(6),
            MaxAttempts = 4,
            Jitter = () => 1,
            OnReconnecting = reconnects.Enqueue,
        });

        var failure = await Should.ThrowAsync<SseConnectionException>(() => Streams.CollectAsync(client));

        failure.Reason.ShouldBe(SseFailureReason.AttemptsExhausted);
        failure.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        server.RequestCount.ShouldBe(4);
        reconnects.Select(r => r.Delay.TotalMilliseconds).ShouldBe([2, 4, 6]);
        reconnects.Select(r => r.FailedAttempts).ShouldBe([1, 2, 3]);
    }

    [Fact]
    public async Task A_stream_that_ends_before_its_first_byte_is_a_failed_attempt()
    {
        await using var server = await ScriptedServer.StartAsync((context, _) => ScriptedServer.WriteStreamAsync(context, string.Empty));
        using var client = Streams.Reconnecting(server, new SseClientOptions { MaxAttempts = 3 });

        var failure = await Should.ThrowAsync<SseConnectionException>(() => Streams.CollectAsync(client));

        failure.Reason.ShouldBe(SseFailureReason.AttemptsExhausted);
        server.RequestCount.ShouldBe(3);
    }

    [Fact]
    public async Task A_connection_that_delivers_resets_the_count_of_failed_attempts()
    {
        await using var server = await ScriptedServer.StartAsync((context, number) =>
        {
            if (number is 1 or 3 or 5)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            return ScriptedServer.WriteStreamAsync(context, $"data: {number}\n\n");
        });
        using var client = Streams.Reconnecting(server, new SseClientOptions { MaxAttempts = 2 });

        var events = await Streams.CollectAsync(client, count: 3);

        events.Select(e => e.Data).ShouldBe(["2", "4", "6"]);
    }

    [Fact]
    public async Task Without_reconnecting_a_broken_connection_fails_the_stream()
    {
        var firstReceived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            await ScriptedServer.WriteStreamAsync(context, "data: a\n\n");
            await firstReceived.Task.WithDeadline();
            context.Abort();
        });
        using var client = Streams.OneShot(server);
        var events = new List<SseEvent>();

        var failure = await Should.ThrowAsync<SseConnectionException>(async () =>
        {
            await foreach (var sseEvent in client.ReadEventsAsync(TestContext.Current.CancellationToken).WithDeadline())
            {
                events.Add(sseEvent);
                firstReceived.TrySetResult();
            }
        });

        failure.Reason.ShouldBe(SseFailureReason.Disconnected);
        failure.InnerException.ShouldNotBeNull();
        events.ShouldHaveSingleItem().Data.ShouldBe("a");
        server.RequestCount.ShouldBe(1);
    }

    [Fact]
    public async Task The_headers_callback_runs_before_every_attempt()
    {
        await using var server = await ScriptedServer.StartAsync((context, number) =>
            ScriptedServer.WriteStreamAsync(context, $"data: {number}\n\n"));
        var calls = 0;
        using var client = Streams.Reconnecting(server, new SseClientOptions
        {
            ConfigureRequest = (request, _) =>
            {
                request.Headers.Authorization = new("Bearer", $"token-{Interlocked.Increment(ref calls)}");
                return ValueTask.CompletedTask;
            },
        });

        await Streams.CollectAsync(client, count: 3);

        (await server.NextRequestAsync()).Header("Authorization").ShouldBe("Bearer token-1");
        (await server.NextRequestAsync()).Header("Authorization").ShouldBe("Bearer token-2");
        (await server.NextRequestAsync()).Header("Authorization").ShouldBe("Bearer token-3");
    }

    [Fact]
    public async Task A_stream_silent_past_the_idle_timeout_is_reconnected()
    {
        await using var server = await ScriptedServer.StartAsync(async (context, number) =>
        {
            await ScriptedServer.WriteStreamAsync(context, $"id: {number}\ndata: {number}\n\n");
            if (number == 1)
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
        });

        // The idle timer runs on a fake clock that only moves once the first event is in, so a slow first response
        // can never be taken for silence.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var reconnects = new ConcurrentQueue<SseReconnecting>();
        using var client = Streams.Reconnecting(server, new SseClientOptions
        {
            IdleTimeout = TimeSpan.FromSeconds(5),
            TimeProvider = clock,
            OnReconnecting = reconnects.Enqueue,
        });
        var events = new List<SseEvent>();
        Task? silence = null;

        await foreach (var sseEvent in client.ReadEventsAsync(TestContext.Current.CancellationToken).WithDeadline())
        {
            events.Add(sseEvent);
            silence ??= Task.Run(() => AdvanceUntilAsync(clock, () => server.RequestCount > 1, TimeSpan.FromSeconds(1)), TestContext.Current.CancellationToken);
            if (events.Count == 2)
            {
                break;
            }
        }

        await silence!.WithDeadline();
        events.Select(e => e.Data).ShouldBe(["1", "2"]);
        await server.NextRequestAsync();
        (await server.NextRequestAsync()).Header("Last-Event-ID").ShouldBe("1");
        await server.ClientAborted.WithDeadline();
        reconnects.First().Error.ShouldBeOfType<TimeoutException>();
    }

    [Fact]
    public async Task Comments_keep_a_stream_alive_past_the_idle_timeout()
    {
        // 40 heartbeats 100 ms apart outlast a 2 s idle timeout many times over; none of the gaps comes near it.
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            await ScriptedServer.WriteStreamAsync(context, "data: start\n\n");
            for (var i = 0; i < 40; i++)
            {
                await Task.Delay(100, context.RequestAborted);
                await ScriptedServer.WriteAsync(context, ":\n"u8.ToArray());
            }

            await ScriptedServer.WriteAsync(context, "data: end\n\n"u8.ToArray());
        });
        using var client = Streams.OneShot(server, new SseClientOptions { IdleTimeout = TimeSpan.FromSeconds(2) });

        var events = await Streams.CollectAsync(client);

        events.Select(e => e.Data).ShouldBe(["start", "end"]);
    }

    [Fact]
    public async Task Time_spent_by_the_consumer_does_not_count_as_idle()
    {
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        await using var server = await ScriptedServer.StreamingAsync("data: a\n\ndata: b\n\n");
        using var client = Streams.OneShot(server, new SseClientOptions { IdleTimeout = TimeSpan.FromSeconds(1), TimeProvider = clock });
        var events = new List<SseEvent>();

        await foreach (var sseEvent in client.ReadEventsAsync(TestContext.Current.CancellationToken))
        {
            events.Add(sseEvent);
            clock.Advance(TimeSpan.FromSeconds(10));
        }

        events.Select(e => e.Data).ShouldBe(["a", "b"]);
    }

    [Fact]
    public async Task A_reset_event_is_surfaced_as_such()
    {
        await using var server = await ScriptedServer.StreamingAsync(
            "data: {\"type\":\"connected\"}\n\nevent: reset\nid: 90\ndata: {\"reason\":\"history-gap\",\"lastEventId\":\"3\"}\n\nevent: new-order\ndata: {}\n\n");
        using var client = Streams.OneShot(server, new SseClientOptions { LastEventId = "3" });

        var events = await Streams.CollectAsync(client);

        events.Select(e => e.IsReset).ShouldBe([false, true, false]);
        events[1].LastEventId.ShouldBe("90");
    }

    private static async Task<TimeSpan> FirstReconnectDelayAsync(string body, Delivery delivery)
    {
        await using var server = await ScriptedServer.StartAsync((context, _) => ScriptedServer.WriteStreamAsync(context, body, delivery));
        var scheduled = new TaskCompletionSource<TimeSpan>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var client = Streams.Reconnecting(server, new SseClientOptions
        {
            // The delay is never waited: the test stops the stream as soon as it is scheduled.
            TimeProvider = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(),
            OnReconnecting = r => scheduled.TrySetResult(r.Delay),
        });

        var read = Task.Run(async () => await client.ReadEventsAsync(stop.Token).ToListAsync(stop.Token), stop.Token);
        var delay = await scheduled.Task.WithDeadline();
        await stop.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(() => read.WithDeadline());
        return delay;
    }

    private static async Task AdvanceUntilAsync(
        Microsoft.Extensions.Time.Testing.FakeTimeProvider clock,
        Func<bool> done,
        TimeSpan step)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(ScriptedServer.Deadline);
        while (!done())
        {
            clock.Advance(step);
            await Task.Delay(20, deadline.Token);
        }
    }
}

/// <summary>Throws <paramref name="failure"/> on the first request, as a connect that a peer resets at once can.</summary>
internal sealed class FailingOnceHandler(HttpMessageHandler inner, Exception failure) : DelegatingHandler(inner)
{
    private int _attempts;

    public int Attempts => Volatile.Read(ref _attempts);

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Interlocked.Increment(ref _attempts) == 1 ? Task.FromException<HttpResponseMessage>(failure) : base.SendAsync(request, cancellationToken);
}
