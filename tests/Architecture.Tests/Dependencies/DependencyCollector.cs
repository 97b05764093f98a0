using Mono.Cecil;
using Mono.Cecil.Cil;

namespace CleanSse.Architecture.Tests.Dependencies;

/// <summary>
/// Gathers every type that a type definition's metadata and IL reach: base type, interfaces, attributes (and the types
/// their arguments name), generic parameters and their constraints, fields, properties, events, method signatures,
/// overrides, locals, catch clauses and every instruction operand, with the declaring types, signatures and generic
/// arguments of the members those operands name.
/// </summary>
internal sealed class DependencyCollector
{
    private readonly HashSet<Dependency> _dependencies = [];
    private readonly List<CalledMethod> _calls = [];
    private readonly HashSet<GenericParameter> _visitedParameters = [];

    public IReadOnlySet<Dependency> Dependencies => _dependencies;

    public IReadOnlyList<CalledMethod> Calls => _calls;

    /// <param name="type">The type whose metadata and IL to read.</param>
    /// <param name="generatedByTheCompiler">
    /// Whether the compiler wrote it (a state machine, a closure): then what the compiler calls on its own account is
    /// not held against the type it belongs to.
    /// </param>
    public void AddDefinition(TypeDefinition type, bool generatedByTheCompiler)
    {
        AddType(type.BaseType);
        foreach (var implementation in type.Interfaces)
        {
            AddType(implementation.InterfaceType);
            AddAttributes(implementation);
        }

        AddAttributes(type);
        AddGenericParameters(type);

        foreach (var field in type.Fields)
        {
            AddType(field.FieldType);
            AddAttributes(field);
        }

        foreach (var property in type.Properties)
        {
            AddType(property.PropertyType);
            AddAttributes(property);
            foreach (var parameter in property.Parameters)
            {
                AddType(parameter.ParameterType);
            }
        }

        foreach (var @event in type.Events)
        {
            AddType(@event.EventType);
            AddAttributes(@event);
        }

        foreach (var method in type.Methods)
        {
            AddMethodDefinition(method, generatedByTheCompiler);
        }
    }

    private void AddMethodDefinition(MethodDefinition method, bool generatedByTheCompiler)
    {
        AddType(method.ReturnType);
        AddAttributes(method);
        AddAttributes(method.MethodReturnType);
        AddGenericParameters(method);
        foreach (var parameter in method.Parameters)
        {
            AddType(parameter.ParameterType);
            AddAttributes(parameter);
        }

        foreach (var overridden in method.Overrides)
        {
            AddMethod(overridden, called: false);
        }

        if (!method.HasBody)
        {
            return;
        }

        foreach (var variable in method.Body.Variables)
        {
            AddType(variable.VariableType);
        }

        foreach (var handler in method.Body.ExceptionHandlers)
        {
            AddType(handler.CatchType);
        }

        foreach (var instruction in method.Body.Instructions)
        {
            if (generatedByTheCompiler && IsCompilerBookkeeping(instruction.Operand))
            {
                continue;
            }

            AddOperand(instruction);
        }
    }

    // An iterator's GetEnumerator checks which thread created it before reusing itself as the enumerator.
    private static bool IsCompilerBookkeeping(object? operand) =>
        operand is MethodReference { Name: "get_CurrentManagedThreadId", DeclaringType.FullName: "System.Environment" };

    private void AddOperand(Instruction instruction)
    {
        switch (instruction.Operand)
        {
            case TypeReference type:
                AddType(type);
                break;
            case MethodReference method:
                AddMethod(method, called: true);
                break;
            case FieldReference field:
                AddType(field.DeclaringType);
                AddType(field.FieldType);
                break;
            case CallSite site:
                AddType(site.ReturnType);
                foreach (var parameter in site.Parameters)
                {
                    AddType(parameter.ParameterType);
                }

                break;
        }
    }

    private void AddMethod(MethodReference method, bool called)
    {
        AddType(method.DeclaringType);
        AddType(method.ReturnType);
        foreach (var parameter in method.Parameters)
        {
            AddType(parameter.ParameterType);
        }

        if (method is GenericInstanceMethod instance)
        {
            foreach (var argument in instance.GenericArguments)
            {
                AddType(argument);
            }
        }

        if (called)
        {
            var firstParameter = method.Parameters.Count > 0 ? ElementOf(method.Parameters[0].ParameterType) : null;
            _calls.Add(new CalledMethod(
                ToDependency(ElementOf(method.DeclaringType)!),
                method.Name,
                firstParameter is null or GenericParameter ? null : ToDependency(firstParameter).FullName));
        }
    }

    private void AddGenericParameters(IGenericParameterProvider provider)
    {
        foreach (var parameter in provider.GenericParameters)
        {
            AddType(parameter);
        }
    }

    private void AddAttributes(ICustomAttributeProvider provider)
    {
        foreach (var attribute in provider.CustomAttributes)
        {
            AddMethod(attribute.Constructor, called: false);
            foreach (var argument in attribute.ConstructorArguments)
            {
                AddArgument(argument);
            }

            foreach (var named in attribute.Fields.Concat(attribute.Properties))
            {
                AddArgument(named.Argument);
            }
        }
    }

    private void AddArgument(CustomAttributeArgument argument)
    {
        AddType(argument.Type);
        switch (argument.Value)
        {
            case TypeReference type:
                AddType(type);
                break;
            case CustomAttributeArgument boxed:
                AddArgument(boxed);
                break;
            case CustomAttributeArgument[] array:
                foreach (var element in array)
                {
                    AddArgument(element);
                }

                break;
        }
    }

    private void AddType(TypeReference? type)
    {
        switch (type)
        {
            case null:
                return;
            case GenericParameter parameter:
                if (_visitedParameters.Add(parameter))
                {
                    AddAttributes(parameter);
                    foreach (var constraint in parameter.Constraints)
                    {
                        AddType(constraint.ConstraintType);
                        AddAttributes(constraint);
                    }
                }

                return;
            case GenericInstanceType instance:
                AddType(instance.ElementType);
                foreach (var argument in instance.GenericArguments)
                {
                    AddType(argument);
                }

                return;
            case IModifierType modified:
                AddType(modified.ModifierType);
                AddType(modified.ElementType);
                return;
            case FunctionPointerType pointer:
                AddType(pointer.ReturnType);
                foreach (var parameter in pointer.Parameters)
                {
                    AddType(parameter.ParameterType);
                }

                return;
            case TypeSpecification specification:
                AddType(specification.ElementType);
                return;
            default:
                _dependencies.Add(ToDependency(type));
                return;
        }
    }

    /// <summary>The type a signature's array, pointer, reference, modifier or generic instance is built on.</summary>
    private static TypeReference? ElementOf(TypeReference? type) =>
        type is TypeSpecification specification and not FunctionPointerType ? ElementOf(specification.ElementType) : type;

    public static Dependency ToDependency(TypeReference type)
    {
        var outermost = type;
        while (outermost.DeclaringType is { } declaring)
        {
            outermost = declaring;
        }

        return new Dependency(AssemblyOf(type), outermost.Namespace, type.FullName.Replace('/', '+'));
    }

    private static string AssemblyOf(TypeReference type) =>
        type.Scope switch
        {
            AssemblyNameReference reference => reference.Name,
            ModuleDefinition module => module.Assembly.Name.Name,
            var other => other?.Name ?? type.Module.Assembly.Name.Name,
        };
}
