using System.Reflection;
using NetArchTest.Rules;

namespace CleanSse.Architecture.Tests.Rules;

/// <summary>What a rule looked at in an assembly, and which of those things broke it.</summary>
internal sealed record RuleOutcome(IReadOnlyList<string> Checked, IReadOnlyList<string> Violations);

/// <summary>
/// One architecture rule, built once and applied both to the service's assemblies, where it must hold, and to the
/// assembly of deliberately broken types, where it must report exactly the types (or references) that break it.
/// </summary>
internal sealed class ArchitectureRule
{
    private readonly Func<IReadOnlyList<Assembly>, RuleOutcome> _check;

    private ArchitectureRule(
        string name,
        IReadOnlyList<Assembly> service,
        Func<IReadOnlyList<Assembly>, RuleOutcome> check,
        IReadOnlyList<string> violationsInFixture)
    {
        Name = name;
        Service = service;
        _check = check;
        ViolationsInFixture = violationsInFixture;
    }

    public string Name { get; }

    /// <summary>The service's assemblies the rule is about.</summary>
    public IReadOnlyList<Assembly> Service { get; }

    /// <summary>What the rule must report when it is applied to the rule-breaking fixture assembly.</summary>
    public IReadOnlyList<string> ViolationsInFixture { get; }

    /// <summary>A rule over types: those that <paramref name="select"/> picks must meet <paramref name="require"/>.</summary>
    public static ArchitectureRule ForTypes(
        string name,
        Assembly[] service,
        Func<Types, PredicateList> select,
        Func<Conditions, ConditionList> require,
        params Type[] violationsInFixture) =>
        new(
            name,
            service,
            assemblies =>
            {
                var selected = select(Types.InAssemblies(assemblies)).GetTypes().Select(type => type.FullName!).ToList();
                var result = require(select(Types.InAssemblies(assemblies)).Should()).GetResult();
                return new RuleOutcome(selected, [.. result.FailingTypeNames ?? []]);
            },
            [.. violationsInFixture.Select(type => type.FullName!)]);

    /// <summary>A rule over assembly references: every assembly that the assemblies reference must be <paramref name="allowed"/>.</summary>
    public static ArchitectureRule ForReferences(
        string name,
        Assembly[] service,
        Func<AssemblyName, bool> allowed,
        params string[] violationsInFixture) =>
        new(
            name,
            service,
            assemblies =>
            {
                var references = assemblies.SelectMany(assembly => assembly.GetReferencedAssemblies()).DistinctBy(reference => reference.Name).ToList();
                return new RuleOutcome(
                    [.. references.Select(reference => reference.Name!)],
                    [.. references.Where(reference => !allowed(reference)).Select(reference => reference.Name!)]);
            },
            violationsInFixture);

    public RuleOutcome Check(params IReadOnlyList<Assembly> assemblies) => _check(assemblies);

    public override string ToString() => Name;
}
