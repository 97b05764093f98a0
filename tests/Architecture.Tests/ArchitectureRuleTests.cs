using CleanSse.Architecture.Tests.Dependencies;
using CleanSse.Architecture.Tests.Rules;
using CleanSse.Architecture.Tests.Violations;

namespace CleanSse.Architecture.Tests;

public sealed class ArchitectureRuleTests
{
    private static readonly Lazy<ScannedAssembly> Fixture = new(() => ScannedAssembly.Load(ViolationsAssembly.Assembly));

    public static TheoryData<string> Rules => [.. ServiceRules.All.Select(rule => rule.Name)];

    [Theory]
    [MemberData(nameof(Rules))]
    public void The_service_keeps_the_rule(string rule)
    {
        var architectureRule = ServiceRules.Named(rule);

        var outcome = architectureRule.Check(architectureRule.Service);

        outcome.Checked.ShouldNotBeEmpty("a rule over nothing proves nothing");
        outcome.Violations.ShouldBeEmpty(string.Join(Environment.NewLine, outcome.Details));
    }

    [Theory]
    [MemberData(nameof(Rules))]
    public void The_rule_reports_each_deliberate_violation_and_nothing_else(string rule)
    {
        var architectureRule = ServiceRules.Named(rule);

        var outcome = architectureRule.Check(Fixture.Value);

        outcome.Checked.ShouldNotBeEmpty("a rule over nothing proves nothing");
        outcome.Violations.ShouldBe(architectureRule.ViolationsInFixture, ignoreOrder: true, string.Join(Environment.NewLine, outcome.Details));
    }
}
