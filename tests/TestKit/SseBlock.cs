namespace CleanSse.TestKit;

/// <summary>
/// The fields of one block of a text/event-stream, up to the blank line that ends it. <see cref="Data"/> is null when
/// the block had no <c>data:</c> line, so a client would dispatch no event for it (a comment or a bare <c>retry:</c>).
/// </summary>
public sealed record SseBlock(string? EventType, string? Id, string? Data, long? Retry, IReadOnlyList<string> Comments)
{
    public bool IsEvent => Data is not null;

    public override string ToString() =>
        $"event={EventType ?? "(none)"} id={Id ?? "(none)"} retry={Retry?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"} "
        + $"comments=[{string.Join(", ", Comments)}] data={Data ?? "(none)"}";
}
