using Microsoft.Extensions.Options;

namespace CleanSse.Client;

/// <summary>The token provider registered when the application registers none: the options' delegate or fixed token.</summary>
internal sealed class OptionsAccessTokenProvider(IOptions<CleanSseClientOptions> options, IServiceProvider services) : IAccessTokenProvider
{
    public ValueTask<string?> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        options.Value.AccessTokenProvider is { } provider
            ? provider(services, cancellationToken)
            : ValueTask.FromResult(options.Value.AccessToken);
}
