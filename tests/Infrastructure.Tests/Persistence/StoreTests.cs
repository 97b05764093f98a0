using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>Tests with the service's store of one kind to themselves: made before each test, dropped after it.</summary>
public abstract class StoreTests(StoreKind kind) : IAsyncLifetime
{
    private protected StoreKind Kind => kind;

    private protected TemporaryStore Store { get; private set; } = null!;

    private protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => Store = await TemporaryStore.CreateAsync(kind, new NoInterception(), Token);

    public async ValueTask DisposeAsync()
    {
        await Store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private sealed class NoInterception : DbCommandInterceptor;
}
