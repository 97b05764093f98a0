using CleanSse.Client;
using CleanSse.Client.Orders;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the CleanSse clients on <c>IHttpClientFactory</c>.</summary>
public static class CleanSseClientServiceCollectionExtensions
{
    /// <summary>The name of the <see cref="HttpClient"/> the event stream uses.</summary>
    public const string StreamClientName = "CleanSse.Stream";

    /// <summary>
    /// Registers <see cref="OrdersClient"/> (the REST API) and <see cref="SseClient"/> (the event stream) of one
    /// service, both signed in by the registered <see cref="IAccessTokenProvider"/> (by default one built from
    /// <see cref="CleanSseClientOptions.AccessTokenProvider"/> or <see cref="CleanSseClientOptions.AccessToken"/>).
    /// </summary>
    /// <remarks>
    /// Both use a <see cref="SocketsHttpHandler"/> that recycles pooled connections after
    /// <see cref="CleanSseClientOptions.PooledConnectionLifetime"/> instead of the factory rotating handlers. The
    /// stream's client has no timeout, closes a stream that is left at once instead of draining it, and sends
    /// <c>Last-Event-ID</c> as UTF-8.
    /// </remarks>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Sets the service's address and how to get a token.</param>
    /// <returns>The builder of the REST client, to add handlers of the application's own.</returns>
    public static IHttpClientBuilder AddCleanSseClient(this IServiceCollection services, Action<CleanSseClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<CleanSseClientOptions>()
            .Configure(configure)
            .Validate(options => options.BaseAddress is { IsAbsoluteUri: true }, "CleanSseClientOptions.BaseAddress must be an absolute URI.");
        services.TryAddSingleton<IAccessTokenProvider, OptionsAccessTokenProvider>();
        services.TryAddTransient<AccessTokenHandler>();

        services.AddHttpClient(StreamClientName, (provider, http) =>
            {
                http.BaseAddress = Root(provider);
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .UseSocketsHttpHandler((handler, provider) =>
            {
                var stream = SseClient.CreateHandler();
                handler.AllowAutoRedirect = stream.AllowAutoRedirect;
                handler.MaxResponseDrainSize = stream.MaxResponseDrainSize;
                handler.RequestHeaderEncodingSelector = stream.RequestHeaderEncodingSelector;
                handler.PooledConnectionLifetime = Options(provider).PooledConnectionLifetime;
            })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);

        services.TryAddSingleton(provider =>
        {
            var options = Options(provider);
            var tokens = provider.GetRequiredService<IAccessTokenProvider>();
            var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient(StreamClientName);
            return new SseClient(
                http,
                new Uri(Root(provider), options.EventsPath),
                options.Stream with { AccessTokenProvider = tokens.GetAccessTokenAsync });
        });

        return services.AddHttpClient<OrdersClient>((provider, http) =>
            {
                http.BaseAddress = Root(provider);
                http.Timeout = Options(provider).RequestTimeout;
            })
            .UseSocketsHttpHandler((handler, provider) =>
                handler.PooledConnectionLifetime = Options(provider).PooledConnectionLifetime)
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<AccessTokenHandler>();
    }

    private static CleanSseClientOptions Options(IServiceProvider provider) =>
        provider.GetRequiredService<IOptions<CleanSseClientOptions>>().Value;

    /// <summary>The base address with a final slash, so relative paths resolve under it rather than beside it.</summary>
    private static Uri Root(IServiceProvider provider)
    {
        var address = Options(provider).BaseAddress
            ?? throw new InvalidOperationException("CleanSseClientOptions.BaseAddress is not set.");
        return address.AbsoluteUri.EndsWith('/') ? address : new Uri(address.AbsoluteUri + "/");
    }
}
