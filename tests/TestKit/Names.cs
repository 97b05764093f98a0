namespace CleanSse.TestKit;

public static class Names
{
    /// <summary>A name no other test uses (a customer, a key), so what a test made can be found by it.</summary>
    public static string Unique(string name) => $"{name} {Guid.NewGuid().ToString("N")[..6]}";
}
