using CleanSse.Architecture.Tests.Rules;
using Mono.Cecil;

namespace CleanSse.Architecture.Tests.Dependencies;

/// <summary>
/// An assembly read from its IL once, eagerly, into plain records, so that rules can run side by side without
/// touching Cecil's lazily loaded and unsynchronised metadata.
/// </summary>
internal sealed class ScannedAssembly
{
    private ScannedAssembly(string name, IReadOnlyList<string> references, IReadOnlyList<ScannedType> types)
    {
        Name = name;
        References = references;
        Types = types;
    }

    public string Name { get; }

    /// <summary>The names of the assemblies it references.</summary>
    public IReadOnlyList<string> References { get; }

    public IReadOnlyList<ScannedType> Types { get; }

    public static ScannedAssembly Load(System.Reflection.Assembly assembly) => Load(File.ReadAllBytes(assembly.Location));

    public static ScannedAssembly Load(byte[] image)
    {
        using var resolver = new DefaultAssemblyResolver();
        foreach (var directory in SearchDirectories())
        {
            resolver.AddSearchDirectory(directory);
        }

        using var module = ModuleDefinition.ReadModule(
            new MemoryStream(image, writable: false),
            new ReaderParameters { AssemblyResolver = resolver, ReadSymbols = false });

        var owned = module.GetTypes()
            .Select(type => (Type: type, Owner: OwnerOf(type)))
            .Where(pair => pair.Owner is not null)
            .ToLookup(pair => pair.Owner!, pair => pair.Type);

        var types = owned.Select(group => Scan(group.Key, group)).ToList();
        return new ScannedAssembly(
            module.Assembly.Name.Name,
            [.. module.AssemblyReferences.Select(reference => reference.Name)],
            [.. types.Select(type => WithNestedTypes(type, types))]);
    }

    public override string ToString() => Name;

    private static ScannedType Scan(TypeDefinition owner, IEnumerable<TypeDefinition> parts)
    {
        var collector = new DependencyCollector();
        foreach (var part in parts)
        {
            collector.AddDefinition(part, generatedByTheCompiler: part != owner);
        }

        var enclosing = new List<TypeShape>();
        for (var declaring = owner.DeclaringType; declaring is not null; declaring = declaring.DeclaringType)
        {
            enclosing.Add(ShapeOf(declaring));
        }

        // Neither the type itself nor the compiler's own top-level types (anonymous types, collection expressions'
        // read-only wrappers, private implementation details) count: see OwnerOf.
        var assembly = owner.Module.Assembly.Name.Name;
        var dependencies = collector.Dependencies.Where(dependency =>
            dependency.Assembly != assembly
            || (dependency.FullName != ShapeOf(owner).FullName && !IsTheCompilersOwn(dependency)));
        return new ScannedType(
            ShapeOf(owner),
            owner.Module.Assembly.Name.Name,
            owner.IsClass && !owner.IsValueType && !owner.IsInterface,
            owner.IsSealed,
            enclosing,
            dependencies.ToHashSet(),
            collector.Calls,
            MessageTypes.Of(owner),
            GeneratorOf(owner));
    }

    /// <summary>
    /// A type with what the types nested in it depend on and call: they are part of it, so a rule that judges a type
    /// (a command handler, a domain type) cannot be dodged by moving code into a nested helper.
    /// </summary>
    private static ScannedType WithNestedTypes(ScannedType type, IReadOnlyList<ScannedType> types)
    {
        var nested = types.Where(candidate => candidate.FullName.StartsWith(type.FullName + "+", StringComparison.Ordinal)).ToList();
        if (nested.Count == 0)
        {
            return type;
        }

        return type with
        {
            Dependencies = type.Dependencies
                .Concat(nested.SelectMany(inner => inner.Dependencies))
                .Where(dependency => dependency.Assembly != type.Assembly || !dependency.FullName.StartsWith(type.FullName + "+", StringComparison.Ordinal))
                .ToHashSet(),
            Calls = [.. type.Calls, .. nested.SelectMany(inner => inner.Calls)],
        };
    }

    private static bool IsTheCompilersOwn(Dependency dependency) =>
        dependency.Namespace.Length == 0 && dependency.FullName.StartsWith('<');

    private static TypeShape ShapeOf(TypeDefinition type)
    {
        var dependency = DependencyCollector.ToDependency(type);
        return new TypeShape(dependency.FullName, dependency.Namespace, dependency.Name, type.IsClass && type.IsAbstract && type.IsSealed);
    }

    /// <summary>
    /// The type written in source that a type belongs to: itself, or for a type the compiler generated (closures,
    /// lambdas' cache, async and iterator state machines, fixed buffers) the type it was generated inside. The
    /// compiler's own top-level types (the module type, anonymous types, private implementation details) belong to
    /// no one: whatever uses them names them, and their type arguments, itself.
    /// </summary>
    private static TypeDefinition? OwnerOf(TypeDefinition type)
    {
        if (type.Name == "<Module>")
        {
            return null;
        }

        if (!IsCompilerGenerated(type))
        {
            return type;
        }

        if (type.DeclaringType is null)
        {
            return type.Name.StartsWith('<') ? null : type;
        }

        return OwnerOf(type.DeclaringType);
    }

    // C# names cannot hold '<': a nested type named with one is the compiler's (an async lambda's state machine is not
    // always marked as generated).
    private static bool IsCompilerGenerated(TypeDefinition type) =>
        (type.IsNested && type.Name.Contains('<', StringComparison.Ordinal))
        || type.CustomAttributes.Any(attribute => attribute.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerGeneratedAttribute");

    /// <summary>The tool named by a source generator's <c>[GeneratedCode]</c> on the type, if any.</summary>
    private static string? GeneratorOf(TypeDefinition type) =>
        type.CustomAttributes
            .Where(attribute => attribute.AttributeType.FullName == "System.CodeDom.Compiler.GeneratedCodeAttribute")
            .Select(attribute => attribute.ConstructorArguments.Count > 0 ? attribute.ConstructorArguments[0].Value as string : null)
            .FirstOrDefault();

    private static IEnumerable<string> SearchDirectories()
    {
        yield return AppContext.BaseDirectory;
        yield return Path.GetDirectoryName(typeof(object).Assembly.Location)!;
        yield return Path.GetDirectoryName(typeof(Microsoft.AspNetCore.Http.HttpContext).Assembly.Location)!;
    }
}
