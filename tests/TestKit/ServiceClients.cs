namespace CleanSse.TestKit;

/// <summary>
/// Hands out HTTP clients for one running service. Every client the kit uses (the orders API client, the stream
/// readers, the recorder) comes from here and passes through <see cref="Authorize"/>, so when the service starts
/// asking who calls it, a signed-in user's credentials are attached here once and every suite's requests carry them.
/// </summary>
public sealed class ServiceClients(Uri baseAddress)
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    public Uri BaseAddress { get; } = baseAddress ?? throw new ArgumentNullException(nameof(baseAddress));

    /// <summary>Adds credentials to each request (e.g. an <c>Authorization</c> header); null while none are needed.</summary>
    public Func<HttpRequestMessage, CancellationToken, ValueTask>? Authorize { get; set; }

    /// <summary>A client with connections of its own, on <paramref name="handler"/> when given.</summary>
    /// <param name="timeout">Per request; event streams pass <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    public HttpClient Create(SocketsHttpHandler? handler = null, TimeSpan? timeout = null) =>
        new(new AuthorizingHandler(this, handler ?? new SocketsHttpHandler()), disposeHandler: true)
        {
            BaseAddress = BaseAddress,
            Timeout = timeout ?? DefaultTimeout,
        };

    private sealed class AuthorizingHandler(ServiceClients owner, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (owner.Authorize is { } authorize)
            {
                await authorize(request, cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
