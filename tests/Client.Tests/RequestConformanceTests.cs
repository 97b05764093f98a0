using System.Net;
using CleanSse.Client.Tests.TestKit;
using Microsoft.AspNetCore.Http;

namespace CleanSse.Client.Tests;

/// <summary>
/// What the client sends and how it takes the server's answer, after the <c>request-*</c> cases of the
/// web-platform-tests for EventSource and the standard's rules for failing a connection.
/// </summary>
public sealed class RequestConformanceTests
{
    [Fact]
    public async Task The_request_accepts_text_event_stream_and_asks_for_no_cache()
    {
        await using var server = await ScriptedServer.StreamingAsync("data: x\n\n");
        using var client = Streams.OneShot(server);

        await Streams.CollectAsync(client);

        var request = await server.NextRequestAsync();
        request.Header("Accept").ShouldBe("text/event-stream");
        request.Header("Cache-Control").ShouldBe("no-cache");
        request.Header("Last-Event-ID").ShouldBeNull();
    }

    [Fact]
    public async Task A_last_event_id_given_in_the_options_is_sent_on_the_first_request()
    {
        await using var server = await ScriptedServer.StreamingAsync("data: x\n\n");
        using var client = Streams.OneShot(server, new SseClientOptions { LastEventId = "41" });

        var events = await Streams.CollectAsync(client);

        (await server.NextRequestAsync()).Header("Last-Event-ID").ShouldBe("41");
        events.ShouldBe([new SseEvent("message", "x", "41")]);
    }

    [Fact]
    public async Task The_access_token_provider_is_asked_on_every_attempt_and_its_token_sent_as_bearer()
    {
        await using var server = await ScriptedServer.StartAsync((context, number) =>
            ScriptedServer.WriteStreamAsync(context, $"id: {number}\ndata: {number}\n\n"));
        var asked = 0;
        using var client = Streams.Reconnecting(server, new SseClientOptions
        {
            // A provider that refreshes: each attempt gets the token current at that moment.
            AccessTokenProvider = _ => ValueTask.FromResult<string?>($"token-{Interlocked.Increment(ref asked)}"),
        });

        await Streams.CollectAsync(client, count: 3);

        (await server.NextRequestAsync()).Header("Authorization").ShouldBe("Bearer token-1");
        (await server.NextRequestAsync()).Header("Authorization").ShouldBe("Bearer token-2");
        (await server.NextRequestAsync()).Header("Authorization").ShouldBe("Bearer token-3");
    }

    [Fact]
    public async Task No_authorization_header_is_sent_when_the_provider_has_no_token()
    {
        await using var server = await ScriptedServer.StreamingAsync("data: x\n\n");
        using var client = Streams.OneShot(server, new SseClientOptions { AccessTokenProvider = _ => ValueTask.FromResult<string?>(null) });

        await Streams.CollectAsync(client);

        (await server.NextRequestAsync()).Header("Authorization").ShouldBeNull();
    }

    [Theory]
    [InlineData(301)]
    [InlineData(302)]
    [InlineData(303)]
    [InlineData(307)]
    [InlineData(308)]
    public async Task Redirects_are_followed(int status)
    {
        await using var server = await ScriptedServer.StartAsync((context, _) =>
        {
            if (context.Request.Path == "/stream")
            {
                context.Response.StatusCode = status;
                context.Response.Headers.Location = "/moved";
                return Task.CompletedTask;
            }

            return ScriptedServer.WriteStreamAsync(context, "data: moved\n\n");
        });
        using var client = Streams.OneShot(server);

        var events = await Streams.CollectAsync(client);

        events.ShouldBe([new SseEvent("message", "moved", "")]);
        (await server.NextRequestAsync()).Path.ShouldBe("/stream");
        var redirected = await server.NextRequestAsync();
        redirected.Path.ShouldBe("/moved");
        redirected.Header("Accept").ShouldBe("text/event-stream");
    }

    [Theory]
    [InlineData(204, SseFailureReason.NoContent)]
    [InlineData(200, SseFailureReason.UnexpectedContentType)]
    [InlineData(304, SseFailureReason.UnexpectedStatus)]
    [InlineData(400, SseFailureReason.UnexpectedStatus)]
    [InlineData(401, SseFailureReason.UnexpectedStatus)]
    [InlineData(404, SseFailureReason.UnexpectedStatus)]
    [InlineData(410, SseFailureReason.UnexpectedStatus)]
    [InlineData(500, SseFailureReason.UnexpectedStatus)]
    [InlineData(502, SseFailureReason.UnexpectedStatus)]
    public async Task A_refused_stream_fails_without_a_reconnect(int status, SseFailureReason reason)
    {
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            context.Response.StatusCode = status;
            if (status == 200)
            {
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync("data: not a stream\n\n");
            }
        });
        using var client = Streams.Reconnecting(server);

        var failure = await Should.ThrowAsync<SseConnectionException>(() => Streams.CollectAsync(client));

        failure.Reason.ShouldBe(reason);
        failure.StatusCode.ShouldBe((HttpStatusCode)status);
        server.RequestCount.ShouldBe(1);
    }

    [Theory]
    [InlineData("text/event-stream")]
    [InlineData("text/event-stream;")]
    [InlineData("text/event-stream; charset=utf-8")]
    [InlineData("text/event-stream;charset=bogus")]
    [InlineData("Text/Event-Stream")]
    public async Task Any_text_event_stream_content_type_is_a_stream(string contentType)
    {
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            context.Response.Headers.ContentType = contentType;
            await context.Response.WriteAsync("data: ok\n\n");
        });
        using var client = Streams.OneShot(server);

        (await Streams.CollectAsync(client)).ShouldBe([new SseEvent("message", "ok", "")]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/x-bogus")]
    [InlineData("text/event-streams")]
    [InlineData("application/json")]
    public async Task Any_other_content_type_fails_the_stream(string? contentType)
    {
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            if (contentType is not null)
            {
                context.Response.Headers.ContentType = contentType;
            }

            await context.Response.WriteAsync("data: not a stream\n\n");
        });
        using var client = Streams.Reconnecting(server);

        var failure = await Should.ThrowAsync<SseConnectionException>(() => Streams.CollectAsync(client));

        failure.Reason.ShouldBe(SseFailureReason.UnexpectedContentType);
        failure.ContentType.ShouldBe(contentType);
        server.RequestCount.ShouldBe(1);
    }

    [Fact]
    public async Task Leaving_the_loop_closes_the_connection()
    {
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            await ScriptedServer.WriteStreamAsync(context, "data: 1\n\n");
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        using var client = Streams.Reconnecting(server);

        var events = await Streams.CollectAsync(client, count: 1);

        events.ShouldHaveSingleItem().Data.ShouldBe("1");
        await server.ClientAborted.WithDeadline();
        server.RequestCount.ShouldBe(1);
    }

    [Fact]
    public async Task Cancelling_closes_the_connection_and_throws_OperationCanceledException()
    {
        await using var server = await ScriptedServer.StartAsync(async (context, _) =>
        {
            await ScriptedServer.WriteStreamAsync(context, "data: 1\n\n");
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        using var client = Streams.Reconnecting(server);
        using var cancellation = new CancellationTokenSource();

        var read = Task.Run(
            async () =>
            {
                await foreach (var sseEvent in client.ReadEventsAsync(cancellation.Token))
                {
                    await cancellation.CancelAsync();
                }
            },
            TestContext.Current.CancellationToken);

        await Should.ThrowAsync<OperationCanceledException>(() => read.WithDeadline());
        await server.ClientAborted.WithDeadline();
    }
}
