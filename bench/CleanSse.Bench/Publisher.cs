using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace CleanSse.Bench;

/// <summary>What a publishing run did: orders accepted (201), refused or failed, and how long the POSTs took.</summary>
public sealed record PublishResult(int Sent, int Accepted, int Failed, double Seconds, LatencyHistogram PostLatency, string? FirstError);

/// <summary>
/// Posts orders whose customer name carries the send timestamp. A burst posts as fast as a few parallel callers can;
/// spaced orders go out on a fixed schedule whatever the server's answers (open loop), so a slow answer cannot hide
/// the delay it causes. Each POST to a server that signs in carries that server's token (<c>tokens</c>, parallel to the
/// servers; null for a server without sign-in), or the token of the customer that places it.
/// </summary>
public sealed class Publisher : IDisposable
{
    private readonly HttpClient _http;
    private readonly IReadOnlyList<Uri> _servers;
    private readonly IReadOnlyList<string?>? _tokens;
    private int _next;

    public Publisher(IReadOnlyList<Uri> servers, TimeSpan requestTimeout, IReadOnlyList<string?>? tokens = null)
    {
        _servers = servers;
        _tokens = tokens;
        _http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256, UseProxy = false, UseCookies = false })
        {
            Timeout = requestTimeout,
        };
    }

    public async Task<PublishResult> BurstAsync(int count, int parallel, OrderBody? body, CancellationToken cancellationToken)
    {
        var run = new Run();
        var remaining = count;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, parallel).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0 && !cancellationToken.IsCancellationRequested)
            {
                await PostAsync(run, body ?? OrderBody.Small, null, cancellationToken);
            }
        });
        await Task.WhenAll(workers);
        return run.Result(started);
    }

    /// <summary>
    /// Posts <paramref name="orders"/> orders, order <c>k</c> placed by customer <c>k % customerTokens.Count</c> with
    /// its own token, <paramref name="parallel"/> at a time. Each order's marker names it (<c>lat~TIMESTAMP~oK~</c>), so
    /// a stream can tell whose order it received; <paramref name="accepted"/>[k] says whether order k was created.
    /// </summary>
    public async Task<PublishResult> CustomerBurstAsync(
        IReadOnlyList<string> customerTokens, int orders, int parallel, bool[] accepted, CancellationToken cancellationToken)
    {
        var run = new Run();
        var next = -1;
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, parallel).Select(async _ =>
        {
            int order;
            while ((order = Interlocked.Increment(ref next)) < orders && !cancellationToken.IsCancellationRequested)
            {
                var placed = new Placement(order, customerTokens[order % customerTokens.Count]);
                accepted[order] = await PostAsync(run, OrderBody.Small, placed, cancellationToken);
            }
        });
        await Task.WhenAll(workers);
        return run.Result(started);
    }

    public async Task<PublishResult> SpacedAsync(int count, TimeSpan interval, OrderBody? body, CancellationToken cancellationToken)
    {
        var run = new Run();
        var started = Stopwatch.GetTimestamp();
        var posts = new List<Task>(count);
        for (var i = 0; i < count && !cancellationToken.IsCancellationRequested; i++)
        {
            var due = started + (long)(i * interval.TotalSeconds * Stopwatch.Frequency);
            var wait = Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), due);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            posts.Add(PostAsync(run, body ?? OrderBody.Small, null, cancellationToken));
        }

        await Task.WhenAll(posts);
        return run.Result(started);
    }

    public void Dispose() => _http.Dispose();

    private async Task<bool> PostAsync(Run run, OrderBody shape, Placement? placed, CancellationToken cancellationToken)
    {
        var index = Interlocked.Increment(ref _next) % _servers.Count;
        var token = placed is null ? _tokens?[index] : placed.Token;
        var sent = Stopwatch.GetTimestamp();
        var marker = placed is null
            ? string.Create(CultureInfo.InvariantCulture, $"lat~{sent}~")
            : string.Create(CultureInfo.InvariantCulture, $"lat~{sent}~o{placed.Order}~");
        var body = $$"""{"customer":"{{marker}}",{{shape.Json}}}""";
        Interlocked.Increment(ref run.Sent);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_servers[index], "/api/orders"))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            if (token is not null)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            }

            using var response = await _http.SendAsync(request, cancellationToken);
            run.PostLatency.Record(Stopwatch.GetTimestamp() - sent);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                Interlocked.Increment(ref run.Accepted);
                return true;
            }

            run.Fail($"POST answered {(int)response.StatusCode}");
        }
        catch (Exception exception)
        {
            run.Fail($"POST failed: {exception.GetType().Name} {exception.Message}");
        }

        return false;
    }

    private sealed record Placement(int Order, string Token);

    private sealed class Run
    {
        public int Sent;
        public int Accepted;
        public int Failed;
        public string? FirstError;

        public LatencyHistogram PostLatency { get; } = new();

        public void Fail(string error)
        {
            Interlocked.Increment(ref Failed);
            Interlocked.CompareExchange(ref FirstError, error, null);
        }

        public PublishResult Result(long started) =>
            new(Sent, Accepted, Failed, Stopwatch.GetElapsedTime(started).TotalSeconds, PostLatency, FirstError);
    }
}

/// <summary>What an order carries besides its timestamped customer: its items and note, as a JSON fragment.</summary>
public sealed record OrderBody(string Json)
{
    /// <summary>One item, no note: the fan-out cases.</summary>
    public static readonly OrderBody Small = new("\"items\":[{\"sku\":\"BENCH-1\",\"quantity\":2,\"unitPrice\":12.5}]");

    /// <summary><paramref name="items"/> items with long SKUs and a note of <paramref name="noteLength"/> characters, all within the API's limits.</summary>
    public static OrderBody Large(int items, int noteLength)
    {
        var lines = Enumerable.Range(1, items).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $$"""{"sku":"{{"BENCH-".PadRight(56, 'S')}}{{i:D3}}","quantity":{{i}},"unitPrice":12.5}"""));
        return new($"\"items\":[{string.Join(',', lines)}],\"note\":\"{new string('x', noteLength)}\"");
    }
}
