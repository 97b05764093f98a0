using CleanSse.Architecture.Tests.Dependencies;
using Mono.Cecil;

namespace CleanSse.Architecture.Tests.Rules;

/// <summary>Finds the messages that a type handles or validates, from its metadata.</summary>
internal static class MessageTypes
{
    private static readonly HashSet<string> RequestHandlerInterfaces =
    [
        "Mediator.ICommandHandler`1",
        "Mediator.ICommandHandler`2",
        "Mediator.IQueryHandler`2",
        "Mediator.IRequestHandler`1",
        "Mediator.IRequestHandler`2",
        "Mediator.IStreamCommandHandler`2",
        "Mediator.IStreamQueryHandler`2",
        "Mediator.IStreamRequestHandler`2",
    ];

    private static readonly HashSet<string> CommandHandlerInterfaces =
    [
        "Mediator.ICommandHandler`1",
        "Mediator.ICommandHandler`2",
        "Mediator.IStreamCommandHandler`2",
    ];

    private const string NotificationHandlerInterface = "Mediator.INotificationHandler`1";

    private const string ValidatorBaseClass = "FluentValidation.AbstractValidator`1";

    public static Messages Of(TypeDefinition type)
    {
        if (!type.IsClass || type.IsInterface)
        {
            return Messages.None;
        }

        var contracts = type.Interfaces
            .Select(implementation => implementation.InterfaceType)
            .OfType<GenericInstanceType>()
            .ToList();

        var request = contracts.FirstOrDefault(contract => RequestHandlerInterfaces.Contains(contract.ElementType.FullName));
        var notifications = contracts
            .Where(contract => contract.ElementType.FullName == NotificationHandlerInterface)
            .Select(contract => DependencyCollector.ToDependency(contract.GenericArguments[0]))
            .Distinct()
            .ToList();

        return new Messages(
            request is null ? null : DependencyCollector.ToDependency(request.GenericArguments[0]),
            contracts.Any(contract => CommandHandlerInterfaces.Contains(contract.ElementType.FullName)),
            notifications,
            ValidatedBy(type) is { } validated ? DependencyCollector.ToDependency(validated) : null);
    }

    /// <summary>The message a class validates, or null when it is not a FluentValidation validator.</summary>
    private static TypeReference? ValidatedBy(TypeDefinition type)
    {
        for (var current = type; current?.BaseType is { } baseType; current = SafeResolve(baseType))
        {
            if (baseType is GenericInstanceType generic && generic.ElementType.FullName == ValidatorBaseClass)
            {
                return generic.GenericArguments[0];
            }
        }

        return null;
    }

    private static TypeDefinition? SafeResolve(TypeReference type)
    {
        try
        {
            return type.Resolve();
        }
        catch (AssemblyResolutionException)
        {
            return null;
        }
    }
}
