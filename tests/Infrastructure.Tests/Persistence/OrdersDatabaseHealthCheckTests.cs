using System.Data.Common;
using CleanSse.Infrastructure.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CleanSse.Infrastructure.Tests.Persistence;

/// <summary>The database's health check, as load balancers poll it: often, and each poll cheap.</summary>
public sealed class OrdersDatabaseHealthCheckTests : IAsyncLifetime
{
    private readonly HeldOpens _opens = new();
    private TemporaryStore _store = null!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private ServiceProvider Services => _store.Services;

    public async ValueTask InitializeAsync() => _store = await TemporaryStore.CreateAsync(_opens, Token);

    public async ValueTask DisposeAsync()
    {
        _opens.Release();
        await _store.DisposeAsync();
    }

    [Fact]
    public async Task A_poll_queries_the_database_through_the_services_pooled_connections()
    {
        // Issue 13: every poll of /healthz opened the SQLite file anew (EF Core's check, read-only, outside the pool),
        // hundreds of microseconds each.
        var health = Services.GetRequiredService<HealthCheckService>();
        _opens.Record();

        var report = await health.CheckHealthAsync(Token);

        report.Status.ShouldBe(HealthStatus.Healthy);
        _opens.Commands.ShouldBe(["SELECT 1"]);
        _opens.Connections.ShouldAllBe(connection => !connection.ConnectionString.Contains("Mode=ReadOnly", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Polls_that_arrive_while_a_probe_runs_share_its_answer()
    {
        var probe = Services.GetRequiredService<OrdersDatabaseProbe>();
        _opens.Record();
        _opens.Hold();
        var first = probe.CheckAsync();
        await _opens.Entered.WaitAsync(Token);

        var others = Enumerable.Range(0, 19).Select(_ => probe.CheckAsync()).ToArray();
        _opens.Release();

        (await first).Status.ShouldBe(HealthStatus.Healthy);
        others.ShouldAllBe(other => other == first);
        _opens.Connections.Count.ShouldBe(1);
    }

    /// <summary>Once recording, notes what the service's contexts open and run; when holding, holds each open until released.</summary>
    private sealed class HeldOpens : DbCommandInterceptor, IDbConnectionInterceptor
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<DbConnection> _connections = [];
        private readonly List<string> _commands = [];

        public Task Entered => _entered.Task;

        public IReadOnlyList<DbConnection> Connections
        {
            get
            {
                lock (_connections)
                {
                    return [.. _connections];
                }
            }
        }

        public IReadOnlyList<string> Commands
        {
            get
            {
                lock (_commands)
                {
                    return [.. _commands];
                }
            }
        }

        private volatile bool _recording;
        private volatile bool _holding;

        public void Record() => _recording = true;

        public void Hold() => _holding = true;

        public void Release() => _released.TrySetResult();

        public async ValueTask<InterceptionResult> ConnectionOpeningAsync(
            DbConnection connection, ConnectionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
        {
            if (_recording)
            {
                lock (_connections)
                {
                    _connections.Add(connection);
                }
            }

            if (_holding)
            {
                _entered.TrySetResult();
                await _released.Task;
            }

            return result;
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(
            DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (_recording && !command.CommandText.StartsWith("PRAGMA", StringComparison.Ordinal))
            {
                lock (_commands)
                {
                    _commands.Add(command.CommandText);
                }
            }

            return ValueTask.FromResult(result);
        }
    }
}
