namespace CleanSse.Application.Common.Exceptions;

/// <summary>
/// A commit carried an idempotency key that a concurrent request with the same key committed first; nothing of this
/// commit was stored. The caller answers with what the first request stored.
/// </summary>
public sealed class IdempotencyKeyTakenException : Exception
{
    public IdempotencyKeyTakenException()
    {
    }

    public IdempotencyKeyTakenException(string message)
        : base(message)
    {
    }

    public IdempotencyKeyTakenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
