namespace CleanSse.Application.Common.Idempotency;

/// <summary>What an <c>Idempotency-Key</c> may be, and how long the response it got is kept.</summary>
public static class IdempotencyKeys
{
    public const int MaxLength = 100;

    /// <summary>Repeats within this time get the first response; after it the key is free again (SPEC: at least 24 hours).</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>1 to 100 printable ASCII characters.</summary>
    public static bool IsValid(string? key) =>
        key is { Length: > 0 and <= MaxLength } && key.All(character => character is >= ' ' and <= '~');
}
