namespace CleanSse.EndToEnd.Tests.Support;

/// <summary>One service process on a SQLite file of its own, in a temporary folder removed afterwards.</summary>
public sealed class SqliteService : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cleansse-e2e-");

    public SqliteService() => Api = ApiInstance.WithSqlite("api", Path.Combine(_folder.FullName, "orders.db"));

    public ApiInstance Api { get; }

    public Uri BaseAddress => Api.BaseAddress;

    public async ValueTask InitializeAsync() => await Api.StartAsync();

    public async ValueTask DisposeAsync()
    {
        await Api.DisposeAsync();
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is a temporary folder.
        }
    }
}
