using CleanSse.Architecture.Tests.Dependencies;
using CleanSse.Architecture.Tests.Planting;
using CleanSse.Architecture.Tests.Rules;

namespace CleanSse.Architecture.Tests;

/// <summary>
/// The rules judge compiled code, not the fixture's names: each kind of violation is written afresh, in every place the
/// compiler lowers differently, under random namespaces, type names and folders, compiled, and must be reported.
/// </summary>
public sealed class PlantedViolationTests
{
    public static TheoryData<string> Kinds => [.. PlantedViolations.All.Select(violation => violation.Name)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void The_rules_catch_the_violation_planted_anywhere_under_any_name(string kind)
    {
        // A new seed each run covers more names over time; the message gives it, to replay a failure.
        var seed = Random.Shared.Next();
        var planting = PlantedViolations.Named(kind).Plant(new Planter(new Random(seed)));
        var assembly = ScannedAssembly.Load(InMemoryCompiler.Compile(
            planting.AssemblyName,
            [.. planting.Types.Select(planted => planted.Type.File), .. planting.SupportFiles]));

        foreach (var (planted, expectations) in planting.Types)
        {
            assembly.Types.ShouldContain(type => planted.Is(type.FullName), $"seed {seed}: {planted.FullName} was not compiled");
            foreach (var expectation in expectations)
            {
                var outcome = ServiceRules.Named(expectation.Rule).Check(assembly);
                var said = outcome.Details.Where(detail => planted.Is(OffenderOf(detail))).ToList();
                var context = $"""
                    seed {seed}, {planted.HidingPlace}, rule "{expectation.Rule}"
                    {planted.File.Path}:
                    {planted.File.Text}
                    reported:
                    {string.Join(Environment.NewLine, outcome.Details)}
                    """;

                if (expectation.Evidence is null)
                {
                    said.ShouldBeEmpty(context);
                }
                else
                {
                    said.ShouldContain(detail => detail.Contains(expectation.Evidence, StringComparison.Ordinal), context);
                }
            }
        }
    }

    private static string OffenderOf(string detail) => detail[..detail.IndexOf(": ", StringComparison.Ordinal)];
}
