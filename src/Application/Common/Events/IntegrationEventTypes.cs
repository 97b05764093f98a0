using System.Collections.Frozen;
using System.Reflection;

namespace CleanSse.Application.Common.Events;

/// <summary>Every integration event type the application knows, by stored name and version.</summary>
public sealed class IntegrationEventTypes
{
    private readonly FrozenDictionary<(string Name, int Version), IntegrationEventType> _byNameAndVersion;

    public IntegrationEventTypes(IEnumerable<IntegrationEventType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        All = [.. types];
        var duplicate = All.GroupBy(type => (type.Name, type.Version)).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Two integration event types are stored as {duplicate.First()}.", nameof(types));
        }

        _byNameAndVersion = All.ToFrozenDictionary(type => (type.Name, type.Version));
    }

    public IReadOnlyList<IntegrationEventType> All { get; }

    /// <summary>Every event type declared in <paramref name="assembly"/>, so none can be left out of the registry.</summary>
    public static IntegrationEventTypes FromAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        var types = assembly.GetTypes()
            .Where(type => !type.IsAbstract && type.GetInterfaces().Any(IsSelfDescribingEvent))
            .Select(type => (IntegrationEventType)type
                .GetProperty("EventType", BindingFlags.Public | BindingFlags.Static)!
                .GetValue(null)!);
        return new IntegrationEventTypes(types);
    }

    public bool TryFind(string name, int version, out IntegrationEventType type) =>
        _byNameAndVersion.TryGetValue((name, version), out type!);

    private static bool IsSelfDescribingEvent(Type contract) =>
        contract.IsGenericType && contract.GetGenericTypeDefinition() == typeof(IIntegrationEvent<>);
}
