using System.Reflection;

namespace CleanSse.Architecture.Tests.Violations;

/// <summary>The assembly of rule-breaking types, for the architecture tests to check.</summary>
public static class ViolationsAssembly
{
    public static Assembly Assembly => typeof(ViolationsAssembly).Assembly;
}
