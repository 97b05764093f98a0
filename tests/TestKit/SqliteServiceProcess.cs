namespace CleanSse.TestKit;

/// <summary>
/// One <see cref="ServiceProcess"/> on a SQLite file of its own, in a temporary folder removed afterwards: a class
/// fixture, or a test's own.
/// </summary>
public sealed class SqliteServiceProcess : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cleansse-process-");

    public SqliteServiceProcess() =>
        Process = new ServiceProcess("api", ServiceProcess.WithSqlite(Path.Combine(_folder.FullName, "orders.db")));

    public ServiceProcess Process { get; }

    public Uri BaseAddress => Process.BaseAddress;

    public OrdersApiClient Orders => Process.Orders;

    public async ValueTask InitializeAsync() => await Process.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Process.DisposeAsync();
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
