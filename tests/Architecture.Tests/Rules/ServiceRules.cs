using System.Reflection;
using CleanSse.Api.Endpoints.Violations;
using CleanSse.Application.Orders;
using CleanSse.Application.Violations;
using CleanSse.Application.Violations.Naming;
using CleanSse.Application.Violations.Naming.Elsewhere;
using CleanSse.Domain.Orders;
using CleanSse.Domain.Violations;

namespace CleanSse.Architecture.Tests.Rules;

/// <summary>The architecture of the service, one rule each, with what each rule must find in the fixture.</summary>
internal static class ServiceRules
{
    public static readonly Assembly Domain = typeof(Order).Assembly;
    public static readonly Assembly Application = typeof(OrderDto).Assembly;
    public static readonly Assembly Infrastructure = typeof(Infrastructure.DependencyInjection).Assembly;
    public static readonly Assembly Api = typeof(Api.DependencyInjection).Assembly;

    private static readonly string RuntimeDirectory = Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    /// <summary>The packages and projects the application layer may use, by assembly name.</summary>
    private static readonly HashSet<string> ApplicationReferences =
    [
        "CleanSse.Domain",
        "Mediator",
        "FluentValidation",
        "Mapster",
        "Mapster.Core",
        "Microsoft.Extensions.Logging.Abstractions",

        // AddApplication: the layer registers its own services.
        "Microsoft.Extensions.DependencyInjection.Abstractions",
        "FluentValidation.DependencyInjectionExtensions",
    ];

    public static IReadOnlyList<ArchitectureRule> All { get; } =
    [
        ArchitectureRule.ForTypes(
            "Domain types depend on nothing but the base library and the domain",
            [Domain],
            types => types.That().ResideInNamespace("CleanSse.Domain"),
            types => types.OnlyHaveDependenciesOn("System", "CleanSse.Domain"),
            typeof(DomainTypeUsingTheApplication),
            typeof(DomainTypeUsingInfrastructure),
            typeof(DomainTypeUsingTheApi),
            typeof(DomainTypeUsingEntityFramework),
            typeof(DomainTypeUsingMicrosoftExtensions),
            typeof(DomainTypeUsingFluentValidation),
            typeof(DomainEventUsingMediator),
            typeof(DomainTypeUsingMapster)),

        // The fixture is a single assembly standing in for every layer, so it references everything its stand-ins use;
        // a reference rule must flag each of those references that the layer itself may not have.
        ArchitectureRule.ForReferences(
            "The domain assembly references nothing but the .NET runtime",
            [Domain],
            IsPartOfTheRuntime,
            "CleanSse.Domain",
            "CleanSse.Application",
            "CleanSse.Infrastructure",
            "CleanSse.Api",
            "Mediator",
            "FluentValidation",
            "Mapster",
            "Microsoft.EntityFrameworkCore",
            "Microsoft.Extensions.Logging.Abstractions",
            "Microsoft.Extensions.DependencyInjection.Abstractions",
            "Microsoft.Extensions.Configuration.Abstractions",
            "Microsoft.AspNetCore.Http.Abstractions",
            "Microsoft.AspNetCore.Http.Results"),

        ArchitectureRule.ForTypes(
            "Application types depend only on the domain, Mediator, FluentValidation, Mapster, logging and DI abstractions",
            [Application],
            types => types.That().ResideInNamespace("CleanSse.Application"),
            types => types.OnlyHaveDependenciesOn(
                "System",
                "CleanSse.Domain",
                "CleanSse.Application",
                "Mediator",
                "FluentValidation",
                "Mapster",
                "Microsoft.Extensions.Logging",
                "Microsoft.Extensions.DependencyInjection"),
            typeof(ApplicationTypeUsingInfrastructure),
            typeof(ApplicationTypeUsingTheApi),
            typeof(ApplicationTypeUsingEntityFramework),
            typeof(ApplicationTypeUsingAspNetCore)),

        ArchitectureRule.ForReferences(
            "The application assembly references only the domain, Mediator, FluentValidation, Mapster, logging and DI abstractions and the runtime",
            [Application],
            reference => IsPartOfTheRuntime(reference) || ApplicationReferences.Contains(reference.Name!),
            "CleanSse.Application",
            "CleanSse.Infrastructure",
            "CleanSse.Api",
            "Microsoft.EntityFrameworkCore",
            "Microsoft.Extensions.Configuration.Abstractions",
            "Microsoft.AspNetCore.Http.Abstractions",
            "Microsoft.AspNetCore.Http.Results"),

        ArchitectureRule.ForTypes(
            "No domain or application type depends on the infrastructure",
            [Domain, Application],
            types => types.That().ResideInNamespace("CleanSse.Domain").Or().ResideInNamespace("CleanSse.Application"),
            types => types.NotHaveDependencyOn("CleanSse.Infrastructure"),
            typeof(DomainTypeUsingInfrastructure),
            typeof(ApplicationTypeUsingInfrastructure)),

        ArchitectureRule.ForReferences(
            "Neither the domain nor the application assembly references the infrastructure assembly",
            [Domain, Application],
            reference => reference.Name != Infrastructure.GetName().Name,
            "CleanSse.Infrastructure"),

        ArchitectureRule.ForTypes(
            "Endpoints reach neither the domain, repositories, EF Core nor the infrastructure outside its realtime machinery",
            [Api],
            types => types.That().ResideInNamespace("CleanSse.Api.Endpoints"),
            types => types.NotHaveDependencyOnAny(
            [
                "CleanSse.Domain",
                "CleanSse.Application.Common.Persistence",
                "Microsoft.EntityFrameworkCore",
                "CleanSse.Infrastructure.Persistence",
                .. InfrastructureOutsideRealtime(),
            ]),
            typeof(EndpointUsingTheDomain),
            typeof(EndpointUsingARepository),
            typeof(EndpointUsingEntityFramework),
            typeof(EndpointUsingInfrastructurePersistence),
            typeof(EndpointUsingInfrastructureOutsideRealtime)),

        ArchitectureRule.ForTypes(
            "Command and query handlers are sealed",
            [Application],
            types => types.That().MeetCustomRule(new HasMessage(MessageTypes.HandledBy)),
            types => types.BeSealed(),
            typeof(UnsealedCommandHandler)),

        ArchitectureRule.ForTypes(
            "A handler is named after its message plus Handler and lives in the message's namespace",
            [Application],
            types => types.That().MeetCustomRule(new HasMessage(MessageTypes.HandledBy)),
            types => types.MeetCustomRule(new IsNamedAfterItsMessage(MessageTypes.HandledBy, "Handler")),
            typeof(RenamedQueryProcessor),
            typeof(MisplacedCommandHandler)),

        ArchitectureRule.ForTypes(
            "Validators are sealed",
            [Application],
            types => types.That().MeetCustomRule(new HasMessage(MessageTypes.ValidatedBy)),
            types => types.BeSealed(),
            typeof(UnsealedCommandValidator)),

        ArchitectureRule.ForTypes(
            "A validator is named after its message plus Validator and lives in the message's namespace",
            [Application],
            types => types.That().MeetCustomRule(new HasMessage(MessageTypes.ValidatedBy)),
            types => types.MeetCustomRule(new IsNamedAfterItsMessage(MessageTypes.ValidatedBy, "Validator")),
            typeof(RenamedQueryRules),
            typeof(MisplacedCommandValidator)),
    ];

    public static ArchitectureRule Named(string name) => All.Single(rule => rule.Name == name);

    /// <summary>
    /// Every namespace of the infrastructure but its realtime machinery. The root namespace holds the realtime one, so
    /// its own types are listed one by one instead.
    /// </summary>
    private static IEnumerable<string> InfrastructureOutsideRealtime()
    {
        const string Root = "CleanSse.Infrastructure";
        const string Realtime = "CleanSse.Infrastructure.Realtime";

        return Infrastructure.GetTypes()
            .Where(type => !type.IsNested && type.Namespace is not null && IsWithin(type.Namespace, Root) && !IsWithin(type.Namespace, Realtime))
            .Select(type => type.Namespace == Root ? type.FullName! : type.Namespace!)
            .Distinct(StringComparer.Ordinal);
    }

    private static bool IsWithin(string @namespace, string parent) =>
        @namespace == parent || @namespace.StartsWith(parent + ".", StringComparison.Ordinal);

    private static bool IsPartOfTheRuntime(AssemblyName reference) =>
        File.Exists(Path.Combine(RuntimeDirectory, reference.Name + ".dll"));
}
