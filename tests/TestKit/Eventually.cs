namespace CleanSse.TestKit;

/// <summary>Waits for a condition with a deadline: tests wait on facts, never on a guessed amount of time.</summary>
public static class Eventually
{
    /// <summary>Generous, because the suites share a small machine; a test that needs a tighter bound passes its own.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static Task HoldsAsync(Func<bool> condition, string description, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        HoldsAsync(condition, () => description, timeout, cancellationToken);

    /// <param name="describe">Says what was awaited and how things stand, at the moment the wait gives up.</param>
    public static Task HoldsAsync(Func<bool> condition, Func<string> describe, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return HoldsAsync(() => Task.FromResult(condition()), describe, timeout, cancellationToken);
    }

    public static Task HoldsAsync(
        Func<Task<bool>> condition, string description, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        HoldsAsync(condition, () => description, timeout, cancellationToken);

    /// <summary>Polls <paramref name="condition"/> until it holds; a <see cref="TimeoutException"/> describes it when it never does.</summary>
    /// <param name="cancellationToken">The test's own token when none is given.</param>
    public static async Task HoldsAsync(
        Func<Task<bool>> condition, Func<string> describe, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(describe);
        var limit = timeout ?? DefaultTimeout;
        var token = cancellationToken.CanBeCanceled ? cancellationToken : TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow + limit;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
            {
                // One last look: the condition may have come true while the poll slept past the deadline.
                if (await condition())
                {
                    return;
                }

                throw new TimeoutException($"Still not true after {limit.TotalSeconds:0.#} s: {describe()}");
            }

            await Task.Delay(PollInterval, token);
        }
    }
}
