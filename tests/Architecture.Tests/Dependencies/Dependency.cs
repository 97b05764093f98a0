namespace CleanSse.Architecture.Tests.Dependencies;

/// <summary>
/// A type that code depends on, reduced to what the rules judge: the assembly its reference points to, its namespace
/// (a nested type's is its outermost type's) and its full name, with <c>+</c> between nested names and without
/// generic arguments (those are dependencies of their own).
/// </summary>
internal sealed record Dependency(string Assembly, string Namespace, string FullName)
{
    public string Name => Namespace.Length == 0 ? FullName : FullName[(Namespace.Length + 1)..];

    public bool IsWithin(string @namespace) => Namespaces.IsWithin(Namespace, @namespace);

    public override string ToString() => $"{FullName} ({Assembly})";
}

/// <summary>A method that code calls or takes the address of, for the rules that judge what code does, not only what it names.</summary>
internal sealed record CalledMethod(Dependency DeclaringType, string Name, string? FirstParameterType);

internal static class Namespaces
{
    /// <summary>Whether <paramref name="namespace"/> is <paramref name="parent"/> or one of its descendants.</summary>
    public static bool IsWithin(string @namespace, string parent) =>
        @namespace == parent || @namespace.StartsWith(parent + ".", StringComparison.Ordinal);
}
