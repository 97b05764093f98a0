using System.Net;
using System.Text;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CleanSse.Client.Tests.TestKit;

/// <summary>How a test server sends a body: in one write, or one byte per write with a flush after each.</summary>
public enum Delivery
{
    Whole,
    OneByteChunks,
}

/// <summary>A request as the test server saw it.</summary>
public sealed record RecordedRequest(int Number, string Path, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A real HTTP server on 127.0.0.1 and a free port (Kestrel), whose every request is handled by the test and
/// recorded, so a test can wait for the n-th request with a deadline.
/// </summary>
/// <remarks>
/// Deliberately not the service (the shared test kit's hosts run that): the client's conformance to the event-stream
/// format and to HTTP is shown against bytes, statuses and cuts a test scripts, many of which the service never sends.
/// </remarks>
public sealed class ScriptedServer : IAsyncDisposable
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly WebApplication _app;
    private readonly Channel<RecordedRequest> _requests = Channel.CreateUnbounded<RecordedRequest>();
    private readonly TaskCompletionSource _aborted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _count;

    private ScriptedServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public int RequestCount => Volatile.Read(ref _count);

    /// <summary>Completes when the client closes a connection the handler is still serving.</summary>
    public Task ClientAborted => _aborted.Task;

    public Uri Url(string path = "/stream") => new(BaseAddress, path);

    public static async Task<ScriptedServer> StartAsync(Func<HttpContext, int, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, 0);

            // Last-Event-ID travels as UTF-8.
            kestrel.RequestHeaderEncodingSelector = _ => Encoding.UTF8;
        });
        var app = builder.Build();
        var server = new ScriptedServer(app);
        app.Run(context => server.HandleAsync(context, handler));
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>()
            .Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    /// <summary>A server that answers every request with the same event-stream body, then ends it.</summary>
    public static Task<ScriptedServer> StreamingAsync(string body, Delivery delivery = Delivery.Whole) =>
        StartAsync((context, _) => WriteStreamAsync(context, body, delivery));

    /// <summary>Answers 200 text/event-stream and writes the body as told; the response ends when the handler returns.</summary>
    public static Task WriteStreamAsync(HttpContext context, string body, Delivery delivery = Delivery.Whole) =>
        WriteStreamAsync(context, Encoding.UTF8.GetBytes(body), delivery);

    public static async Task WriteStreamAsync(HttpContext context, byte[] body, Delivery delivery = Delivery.Whole)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "text/event-stream";
        }

        await WriteAsync(context, body, delivery);
    }

    public static async Task WriteAsync(HttpContext context, byte[] body, Delivery delivery = Delivery.Whole)
    {
        var token = context.RequestAborted;
        if (delivery == Delivery.Whole)
        {
            await context.Response.Body.WriteAsync(body, token);
            await context.Response.Body.FlushAsync(token);
            return;
        }

        for (var i = 0; i < body.Length; i++)
        {
            await context.Response.Body.WriteAsync(body.AsMemory(i, 1), token);
            await context.Response.Body.FlushAsync(token);
        }
    }

    /// <summary>The next request the server received, waiting for it up to the deadline.</summary>
    public async Task<RecordedRequest> NextRequestAsync()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(Deadline);
        return await _requests.Reader.ReadAsync(deadline.Token);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context, Func<HttpContext, int, Task> handler)
    {
        var number = Interlocked.Increment(ref _count);
        var headers = context.Request.Headers.ToDictionary(
            header => header.Key,
            header => header.Value.ToString(),
            StringComparer.OrdinalIgnoreCase);
        _requests.Writer.TryWrite(new RecordedRequest(number, context.Request.Path + context.Request.QueryString, headers));
        try
        {
            await handler(context, number);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            _aborted.TrySetResult();
        }
        catch (IOException) when (context.RequestAborted.IsCancellationRequested)
        {
            _aborted.TrySetResult();
        }
    }
}
