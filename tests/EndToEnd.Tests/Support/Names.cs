namespace CleanSse.EndToEnd.Tests.Support;

public static class Names
{
    /// <summary>A customer name no other test uses, so a row can be found by it.</summary>
    public static string Unique(string name) => $"{name} {Guid.NewGuid().ToString("N")[..6]}";
}
