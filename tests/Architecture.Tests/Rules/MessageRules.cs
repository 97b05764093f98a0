using Mono.Cecil;
using NetArchTest.Rules;

namespace CleanSse.Architecture.Tests.Rules;

/// <summary>Selects the types for which <paramref name="messageOf"/> finds a message: handlers, or validators.</summary>
internal sealed class HasMessage(Func<TypeDefinition, TypeReference?> messageOf) : ICustomRule
{
    public bool MeetsRule(TypeDefinition type) => messageOf(type) is not null;
}

/// <summary>Requires a type to be named after its message plus <paramref name="suffix"/>, in the message's namespace.</summary>
internal sealed class IsNamedAfterItsMessage(Func<TypeDefinition, TypeReference?> messageOf, string suffix) : ICustomRule
{
    public bool MeetsRule(TypeDefinition type) =>
        messageOf(type) is { } message
        && type.Name == message.Name + suffix
        && type.Namespace == message.Namespace;
}
