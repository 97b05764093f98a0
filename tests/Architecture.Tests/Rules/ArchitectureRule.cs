using CleanSse.Architecture.Tests.Dependencies;

namespace CleanSse.Architecture.Tests.Rules;

/// <summary>
/// What a rule looked at, which of those things broke it, and how (one line per offending dependency or call, prefixed
/// with the offender's name).
/// </summary>
internal sealed record RuleOutcome(IReadOnlyList<string> Checked, IReadOnlyList<string> Violations, IReadOnlyList<string> Details);

/// <summary>
/// One architecture rule, built once and applied both to the service's assemblies, where it must hold, and to the
/// assembly of deliberately broken types, where it must report exactly the types (or references) that break it.
/// </summary>
internal sealed class ArchitectureRule
{
    private readonly Func<IReadOnlyList<ScannedAssembly>, RuleOutcome> _check;
    private readonly Func<IReadOnlyList<ScannedAssembly>> _service;

    private ArchitectureRule(
        string name,
        Func<IReadOnlyList<ScannedAssembly>> service,
        Func<IReadOnlyList<ScannedAssembly>, RuleOutcome> check,
        IReadOnlyList<string> violationsInFixture)
    {
        Name = name;
        _service = service;
        _check = check;
        ViolationsInFixture = violationsInFixture;
    }

    public string Name { get; }

    /// <summary>The service's assemblies the rule is about.</summary>
    public IReadOnlyList<ScannedAssembly> Service => _service();

    /// <summary>What the rule must report when it is applied to the rule-breaking fixture assembly.</summary>
    public IReadOnlyList<string> ViolationsInFixture { get; }

    /// <summary>
    /// A rule over the types that <paramref name="select"/> picks: each of them must have no <paramref name="breaches"/>,
    /// which describe what breaks the rule (a dependency, a call, a missing modifier).
    /// </summary>
    public static ArchitectureRule ForTypes(
        string name,
        Func<IReadOnlyList<ScannedAssembly>> service,
        Func<ScannedType, bool> select,
        Func<ScannedType, IEnumerable<string>> breaches,
        params Type[] violationsInFixture) =>
        new(
            name,
            service,
            assemblies =>
            {
                var selected = assemblies.SelectMany(assembly => assembly.Types).Where(select).ToList();
                var details = selected
                    .SelectMany(type => breaches(type).Distinct().Order(StringComparer.Ordinal).Select(breach => (type.FullName, Breach: breach)))
                    .ToList();
                return new RuleOutcome(
                    [.. selected.Select(type => type.FullName)],
                    [.. details.Select(detail => detail.FullName).Distinct()],
                    [.. details.Select(detail => $"{detail.FullName}: {detail.Breach}")]);
            },
            [.. violationsInFixture.Select(type => type.FullName!)]);

    /// <summary>A rule over assembly references: every assembly that the assemblies reference must be <paramref name="allowed"/>.</summary>
    public static ArchitectureRule ForReferences(
        string name,
        Func<IReadOnlyList<ScannedAssembly>> service,
        Func<string, bool> allowed,
        params string[] violationsInFixture) =>
        new(
            name,
            service,
            assemblies =>
            {
                var references = assemblies.SelectMany(assembly => assembly.References).Distinct().ToList();
                var refused = references.Where(reference => !allowed(reference)).ToList();
                return new RuleOutcome(references, refused, [.. refused.Select(reference => $"references {reference}")]);
            },
            violationsInFixture);

    public RuleOutcome Check(params IReadOnlyList<ScannedAssembly> assemblies) => _check(assemblies);

    public override string ToString() => Name;
}
