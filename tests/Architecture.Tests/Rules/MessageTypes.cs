using Mono.Cecil;

namespace CleanSse.Architecture.Tests.Rules;

/// <summary>Finds the message that a handler handles or a validator validates, from the type's metadata.</summary>
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

    private const string ValidatorBaseClass = "FluentValidation.AbstractValidator`1";

    /// <summary>The command or query a class handles, or null when it is not a request handler.</summary>
    public static TypeReference? HandledBy(TypeDefinition type) =>
        type.IsClass
            ? type.Interfaces
                .Select(implementation => implementation.InterfaceType)
                .OfType<GenericInstanceType>()
                .FirstOrDefault(contract => RequestHandlerInterfaces.Contains(contract.ElementType.FullName))
                ?.GenericArguments[0]
            : null;

    /// <summary>The message a class validates, or null when it is not a FluentValidation validator.</summary>
    public static TypeReference? ValidatedBy(TypeDefinition type)
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
