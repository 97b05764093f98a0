using System.Collections.Concurrent;
using CleanSse.Infrastructure.Realtime.EventLog;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.ScaleOut.Tests.TestKit;

/// <summary>How appends to the event log fail, switchable while the host runs.</summary>
public enum AppendFault
{
    /// <summary>Appends go through.</summary>
    None,

    /// <summary>The append never reaches the log: the process dies, or the log is unreachable, right after the commit.</summary>
    FailBeforeAppend,

    /// <summary>The append reaches the log but its answer is lost, so the caller believes it failed.</summary>
    LoseAnswer,
}

/// <summary>The real event log with a fault injected in front of its appends; reads and the live feed pass through.</summary>
public sealed class FaultyEventLog(IEventLog inner, FaultyEventLog.Switch faults) : IEventLog
{
    public async ValueTask<LoggedEvent> AppendAsync(string type, string data, string? deduplicationKey, string? ownerId, CancellationToken cancellationToken)
    {
        var fault = faults.Fault;
        if (fault == AppendFault.FailBeforeAppend)
        {
            throw new InvalidOperationException("Injected fault: the append did not happen.");
        }

        var logged = await inner.AppendAsync(type, data, deduplicationKey, ownerId, cancellationToken);
        if (fault == AppendFault.LoseAnswer)
        {
            throw new TimeoutException($"Injected fault: the answer to appending {logged.Id} was lost.");
        }

        return logged;
    }

    public async ValueTask<IReadOnlyList<LoggedEvent>> AppendBatchAsync(IReadOnlyList<EventAppend> events, CancellationToken cancellationToken)
    {
        var fault = faults.Fault;
        if (fault == AppendFault.FailBeforeAppend)
        {
            throw new InvalidOperationException("Injected fault: the append did not happen.");
        }

        var logged = await inner.AppendBatchAsync(events, cancellationToken);
        faults.RecordBatch(logged.Count);
        if (fault == AppendFault.LoseAnswer)
        {
            throw new TimeoutException($"Injected fault: the answer to appending {logged.Count} events was lost.");
        }

        return logged;
    }

    public ValueTask<bool> IsIntactAsync(CancellationToken cancellationToken) => inner.IsIntactAsync(cancellationToken);

    public ValueTask RestoreAsync(IReadOnlyList<EventToRestore> events, CancellationToken cancellationToken) =>
        inner.RestoreAsync(events, cancellationToken);

    public DateTimeOffset? LoggedNoEarlierThan(string id) => inner.LoggedNoEarlierThan(id);

    public ValueTask<(EventPosition Position, string Id)> GetHeadAsync(CancellationToken cancellationToken) => inner.GetHeadAsync(cancellationToken);

    public ValueTask<ResumePoint> ResolveAsync(string lastEventId, CancellationToken cancellationToken) =>
        inner.ResolveAsync(lastEventId, cancellationToken);

    public ValueTask<IReadOnlyList<LoggedEvent>> ReadAfterAsync(EventPosition after, int maxCount, CancellationToken cancellationToken) =>
        inner.ReadAfterAsync(after, maxCount, cancellationToken);

    public IAsyncEnumerable<LoggedEvent> SubscribeAsync(CancellationToken cancellationToken) => inner.SubscribeAsync(cancellationToken);

    /// <summary>Wraps the registered event log of a host in a <see cref="FaultyEventLog"/> driven by <paramref name="faults"/>.</summary>
    public static Action<IServiceCollection> Install(Switch faults) => services =>
    {
        var registered = services.Single(descriptor => descriptor.ServiceType == typeof(IEventLog));
        if (registered.ImplementationType is not { } implementation)
        {
            throw new InvalidOperationException("The event log is expected to be registered by its type.");
        }

        services.Remove(registered);
        services.AddSingleton(implementation);
        services.AddSingleton<IEventLog>(provider => new FaultyEventLog((IEventLog)provider.GetRequiredService(implementation), faults));
    };

    public sealed class Switch
    {
        private readonly ConcurrentQueue<int> _batches = new();
        private volatile AppendFault _fault;

        public Switch(AppendFault fault) => _fault = fault;

        public AppendFault Fault
        {
            get => _fault;
            set => _fault = value;
        }

        /// <summary>The size of each batch the log appended, in the order they reached it.</summary>
        public IReadOnlyList<int> AppendedBatches => [.. _batches];

        internal void RecordBatch(int size) => _batches.Enqueue(size);
    }
}
