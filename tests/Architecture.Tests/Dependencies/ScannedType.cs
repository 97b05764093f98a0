namespace CleanSse.Architecture.Tests.Dependencies;

/// <summary>The shape of a type by which the rules pick it: its names and whether it is a static class.</summary>
internal sealed record TypeShape(string FullName, string Namespace, string Name, bool IsStaticClass);

/// <summary>
/// A type written in source (not one the compiler made for a lambda, an iterator or an async method: those count as
/// part of the type they came from), with everything it depends on and what it handles or validates.
/// </summary>
internal sealed record ScannedType(
    TypeShape Shape,
    string Assembly,
    bool IsClass,
    bool IsSealed,
    IReadOnlyList<TypeShape> EnclosingTypes,
    IReadOnlySet<Dependency> Dependencies,
    IReadOnlyList<CalledMethod> Calls,
    Messages Messages,
    string? GeneratedBy)
{
    public string FullName => Shape.FullName;

    public string Namespace => Shape.Namespace;

    public string Name => Shape.Name;

    public override string ToString() => FullName;
}

/// <summary>The messages a type handles or validates, found from the interfaces it implements and the class it extends.</summary>
internal sealed record Messages(
    Dependency? Request,
    bool IsCommandHandler,
    IReadOnlyList<Dependency> Notifications,
    Dependency? Validated)
{
    public static Messages None { get; } = new(null, false, [], null);
}
