using CleanSse.Architecture.Tests.Dependencies;

namespace CleanSse.Architecture.Tests.Rules;

/// <summary>
/// A part of the service: every type of its assembly, whatever its namespace, and every type under its namespace,
/// whatever its assembly (the fixture is one assembly posing as every layer, told apart by namespace).
/// </summary>
internal sealed record Layer(string Assembly, string Namespace)
{
    public static Layer Domain { get; } = new("CleanSse.Domain", "CleanSse.Domain");

    public static Layer Application { get; } = new("CleanSse.Application", "CleanSse.Application");

    public static Layer Infrastructure { get; } = new("CleanSse.Infrastructure", "CleanSse.Infrastructure");

    public static Layer Api { get; } = new("CleanSse.Api", "CleanSse.Api");

    public bool Holds(ScannedType type) => type.Assembly == Assembly || Namespaces.IsWithin(type.Namespace, Namespace);

    public bool Holds(Dependency dependency) => dependency.Assembly == Assembly || dependency.IsWithin(Namespace);
}
