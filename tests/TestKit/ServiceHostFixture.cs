namespace CleanSse.TestKit;

/// <summary>One running service shared by the tests of a class; subclasses choose its settings.</summary>
public abstract class ServiceHostFixture : IAsyncLifetime
{
    private ServiceHost? _host;

    public ServiceHost Host => _host ?? throw new InvalidOperationException("The fixture has not started yet.");

    protected virtual IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>();

    public async ValueTask InitializeAsync() => _host = await ServiceHost.StartAsync(Settings);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }
}
