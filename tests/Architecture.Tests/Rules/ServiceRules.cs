using CleanSse.Api.Endpoints.Violations;
using CleanSse.Api.Features.Violations;
using CleanSse.Api.Shortcuts.Violations;
using CleanSse.Api.Violations;
using CleanSse.Application.Orders;
using CleanSse.Application.Violations;
using CleanSse.Application.Violations.Naming;
using CleanSse.Application.Violations.Naming.Elsewhere;
using CleanSse.Application.Violations.Notifications;
using CleanSse.Architecture.Tests.Dependencies;
using CleanSse.Domain.Orders;
using CleanSse.Domain.Violations;
using CleanSse.Infrastructure.Persistence.Violations;
using CleanSse.Infrastructure.Realtime.Violations;

namespace CleanSse.Architecture.Tests.Rules;

/// <summary>The architecture of the service, one rule each, with what each rule must find in the fixture.</summary>
internal static class ServiceRules
{
    // The rules that planted violations are checked against by name.
    public const string DomainDependencies = "Domain types use only the domain and the base library's primitives, collections, LINQ, text and globalization";

    public const string ApplicationDependencies = "Application types use only the domain, the mediator, validation, mapping, logging and DI abstractions, and the base library's allowed parts";

    public const string CompositionRootOnly = "Only the composition root uses the infrastructure; endpoint types may use the realtime stream entry point";

    public const string EndpointTypesMapRoutes = "Only endpoint types map routes";

    public const string EndpointDependencies = "Endpoint types send messages and reach neither the domain, repository ports, the DbContext, EF Core, data access nor the publisher";

    public const string PersistenceApartFromRealtime = "Persistence and realtime do not depend on each other";

    public const string CommandHandlersDoNotPublish = "Command handlers neither publish nor send messages";

    private static readonly Lazy<ScannedAssembly> DomainAssembly = new(() => ScannedAssembly.Load(typeof(Order).Assembly));
    private static readonly Lazy<ScannedAssembly> ApplicationAssembly = new(() => ScannedAssembly.Load(typeof(OrderDto).Assembly));
    private static readonly Lazy<ScannedAssembly> InfrastructureAssembly = new(() => ScannedAssembly.Load(typeof(Infrastructure.DependencyInjection).Assembly));
    private static readonly Lazy<ScannedAssembly> ApiAssembly = new(() => ScannedAssembly.Load(typeof(Api.DependencyInjection).Assembly));

    /// <summary>The packages the application layer may use, by assembly name.</summary>
    private static readonly HashSet<string> ApplicationPackages =
    [
        "Mediator",
        "FluentValidation",
        "Mapster",
        "Mapster.Core",
        "Microsoft.Extensions.Logging.Abstractions",
        "Microsoft.Extensions.DependencyInjection.Abstractions",

        // AddApplication registers the layer's validators with FluentValidation's own scan.
        "FluentValidation.DependencyInjectionExtensions",
    ];

    /// <summary>The one infrastructure type that endpoint types may use: the realtime layer's entry point for a stream.</summary>
    public const string EventStreamEndpoint = "CleanSse.Infrastructure.Realtime.EventStreamEndpoint";

    private const string PersistenceNamespace = "CleanSse.Infrastructure.Persistence";
    private const string RealtimeNamespace = "CleanSse.Infrastructure.Realtime";
    private const string RepositoryPortsNamespace = "CleanSse.Application.Common.Persistence";
    private const string EndpointRouteBuilder = "Microsoft.AspNetCore.Routing.IEndpointRouteBuilder";

    /// <summary>The composition root: the only Api types that may wire the infrastructure in.</summary>
    private static readonly HashSet<string> CompositionRoot = ["Program", "CleanSse.Api.DependencyInjection"];

    private const string MediatorGenerator = "Mediator.SourceGenerator";

    /// <summary>What lets code publish or send messages itself, rather than through the one publishing path.</summary>
    private static readonly HashSet<string> MessageSenders = ["Mediator.IPublisher", "Mediator.IMediator", "Mediator.ISender"];

    public static IReadOnlyList<ScannedAssembly> Domain => [DomainAssembly.Value];

    public static IReadOnlyList<ScannedAssembly> Application => [ApplicationAssembly.Value];

    public static IReadOnlyList<ScannedAssembly> Infrastructure => [InfrastructureAssembly.Value];

    public static IReadOnlyList<ScannedAssembly> Api => [ApiAssembly.Value];

    public static IReadOnlyList<ScannedAssembly> DomainAndApplication => [.. Domain, .. Application];

    /// <summary>Where handlers and validators may live: the use cases, and the infrastructure's subscribers.</summary>
    public static IReadOnlyList<ScannedAssembly> WithMessages => [.. Application, .. Infrastructure, .. Api];

    public static IReadOnlyList<ArchitectureRule> All { get; } =
    [
        ArchitectureRule.ForTypes(
            DomainDependencies,
            () => Domain,
            Layer.Domain.Holds,
            type => type.Dependencies
                .Where(dependency => !Layer.Domain.Holds(dependency) && !BaseLibrary.ForDomain.Allows(dependency, type.Assembly))
                .Select(Uses),
            typeof(DomainTypeUsingTheApplication),
            typeof(DomainTypeUsingInfrastructure),
            typeof(DomainTypeUsingTheApi),
            typeof(DomainTypeUsingEntityFramework),
            typeof(DomainTypeUsingMicrosoftExtensions),
            typeof(DomainTypeUsingFluentValidation),
            typeof(DomainEventUsingMediator),
            typeof(DomainTypeUsingMapster),
            typeof(DomainTypeCallingHttp),
            typeof(DomainTypeWritingFiles),
            typeof(DomainTypeQueryingADatabase),
            typeof(DomainTypeStartingAThread),
            typeof(DomainTypeUsingATimer),
            typeof(DomainTypeUsingATimer.Ticker),
            typeof(DomainTypeWritingToTheConsole),
            typeof(DomainTypeReadingTheClock)),

        // The fixture is a single assembly standing in for every layer, so it references everything its stand-ins use;
        // a reference rule must flag each of those references that the layer itself may not have.
        ArchitectureRule.ForReferences(
            "The domain assembly references nothing but the .NET runtime",
            () => Domain,
            BaseLibrary.IsPartOfTheRuntime,
            [.. FixturePackageReferences]),

        ArchitectureRule.ForTypes(
            ApplicationDependencies,
            () => Application,
            Layer.Application.Holds,
            type => type.Dependencies
                .Where(dependency => !Layer.Application.Holds(dependency)
                    && !Layer.Domain.Holds(dependency)
                    && !ApplicationPackages.Contains(dependency.Assembly)
                    && !BaseLibrary.ForApplication.Allows(dependency, type.Assembly))
                .Select(Uses),
            typeof(ApplicationTypeUsingInfrastructure),
            typeof(ApplicationTypeUsingTheApi),
            typeof(ApplicationTypeUsingEntityFramework),
            typeof(ApplicationTypeUsingAspNetCore),
            typeof(ApplicationTypeRunningSql),
            typeof(ApplicationTypeReadingFiles),
            typeof(ApplicationTypeCallingHttp),
            typeof(ApplicationTypeStartingAThread)),

        ArchitectureRule.ForReferences(
            "The application assembly references only the domain, its allowed packages and the runtime",
            () => Application,
            reference => BaseLibrary.IsPartOfTheRuntime(reference) || reference == Layer.Domain.Assembly || ApplicationPackages.Contains(reference),
            [.. FixturePackageReferences.Where(reference => reference != Layer.Domain.Assembly && !ApplicationPackages.Contains(reference))]),

        ArchitectureRule.ForTypes(
            "No domain or application type depends on the infrastructure",
            () => DomainAndApplication,
            type => Layer.Domain.Holds(type) || Layer.Application.Holds(type),
            type => type.Dependencies.Where(Layer.Infrastructure.Holds).Select(Uses),
            typeof(DomainTypeUsingInfrastructure),
            typeof(ApplicationTypeUsingInfrastructure)),

        ArchitectureRule.ForReferences(
            "Neither the domain nor the application assembly references the infrastructure assembly",
            () => DomainAndApplication,
            reference => reference != Layer.Infrastructure.Assembly,
            Layer.Infrastructure.Assembly),

        ArchitectureRule.ForTypes(
            CompositionRootOnly,
            () => Api,
            type => Layer.Api.Holds(type) && !IsCompositionRoot(type),
            type => type.Dependencies
                .Where(dependency => Layer.Infrastructure.Holds(dependency)
                    && !(IsEndpointType(type) && dependency.FullName == EventStreamEndpoint))
                .Select(Uses),
            typeof(RealtimeInternalsEndpoints),
            typeof(DbContextEndpoints),
            typeof(InfrastructureRegistrationEndpoints),
            typeof(OrderShortcuts),
            typeof(OrderLookup)),

        ArchitectureRule.ForTypes(
            EndpointTypesMapRoutes,
            () => Api,
            Layer.Api.Holds,
            type => IsEndpointType(type)
                ? []
                : type.Calls.Where(call => IsRouteBuilding(call, type)).Select(call => $"calls {call.DeclaringType.FullName}.{call.Name}"),
            typeof(OrderShortcuts),
            typeof(RouteTable),
            typeof(InstanceEndpoints)),

        ArchitectureRule.ForTypes(
            EndpointDependencies,
            () => Api,
            IsEndpointType,
            type => type.Dependencies
                .Where(dependency => Layer.Domain.Holds(dependency)
                    || dependency.IsWithin(RepositoryPortsNamespace)
                    || dependency.IsWithin(PersistenceNamespace)
                    || dependency.IsWithin("Microsoft.EntityFrameworkCore")
                    || dependency.IsWithin("System.Data")
                    || dependency.FullName is "Mediator.IPublisher" or "Mediator.IMediator")
                .Select(Uses),
            typeof(DomainEntityEndpoints),
            typeof(RepositoryEndpoints),
            typeof(EntityFrameworkEndpoints),
            typeof(DbContextEndpoints),
            typeof(PublishingEndpoints),
            typeof(SqlEndpoints)),

        ArchitectureRule.ForTypes(
            PersistenceApartFromRealtime,
            () => Infrastructure,
            type => Layer.Infrastructure.Holds(type) && (IsWithin(type, PersistenceNamespace) || IsWithin(type, RealtimeNamespace)),
            type => type.Dependencies
                .Where(dependency => IsWithin(type, PersistenceNamespace) ? dependency.IsWithin(RealtimeNamespace) : dependency.IsWithin(PersistenceNamespace))
                .Select(Uses),
            typeof(PersistenceTypeUsingRealtime),
            typeof(RealtimeTypeUsingPersistence)),

        ArchitectureRule.ForTypes(
            CommandHandlersDoNotPublish,
            () => WithMessages,
            type => type.Messages.IsCommandHandler,
            type => type.Dependencies.Where(dependency => MessageSenders.Contains(dependency.FullName)).Select(Uses),
            typeof(NotifyingCommandHandler),
            typeof(ForwardingCommandHandler)),

        ArchitectureRule.ForTypes(
            "Request handlers are sealed",
            () => WithMessages,
            type => type.Messages.Request is not null,
            type => type.IsSealed ? [] : ["is not sealed"],
            typeof(UnsealedCommandHandler)),

        ArchitectureRule.ForTypes(
            "A request handler is named after its message plus Handler and lives in the message's namespace",
            () => WithMessages,
            type => type.Messages.Request is not null,
            type => IsNamedAfter(type, type.Messages.Request!, "Handler"),
            typeof(RenamedQueryProcessor),
            typeof(MisplacedCommandHandler)),

        ArchitectureRule.ForTypes(
            "Validators are sealed",
            () => WithMessages,
            type => type.Messages.Validated is not null,
            type => type.IsSealed ? [] : ["is not sealed"],
            typeof(UnsealedCommandValidator)),

        ArchitectureRule.ForTypes(
            "A validator is named after its message plus Validator and lives in the message's namespace",
            () => WithMessages,
            type => type.Messages.Validated is not null,
            type => IsNamedAfter(type, type.Messages.Validated!, "Validator"),
            typeof(RenamedQueryRules),
            typeof(MisplacedCommandValidator)),

        ArchitectureRule.ForTypes(
            "Notification handlers are sealed",
            () => WithMessages,
            type => type.Messages.Notifications.Count > 0,
            type => type.IsSealed ? [] : ["is not sealed"],
            typeof(ParcelShippedAuditor)),

        ArchitectureRule.ForTypes(
            "A notification handler's name starts with the words its notifications' names share",
            () => WithMessages,
            type => type.Messages.Notifications.Count > 0,
            NotificationHandlerNaming,
            typeof(ShipmentWatcher),
            typeof(MixedEventsRelay)),
    ];

    public static ArchitectureRule Named(string name) => All.Single(rule => rule.Name == name);

    /// <summary>
    /// An endpoint type is a static class of the Api whose name ends with <c>Endpoints</c>, wherever it sits; a type
    /// nested in one is part of it.
    /// </summary>
    public static bool IsEndpointType(ScannedType type) =>
        Layer.Api.Holds(type) && (IsEndpointShape(type.Shape) || type.EnclosingTypes.Any(IsEndpointShape));

    private static bool IsEndpointShape(TypeShape shape) => shape.IsStaticClass && shape.Name.EndsWith("Endpoints", StringComparison.Ordinal);

    /// <summary>
    /// <c>Program</c>, <c>CleanSse.Api.DependencyInjection</c>, and what the mediator's source generator writes into
    /// the Api from <c>AddMediator</c> there: its registration of every handler, the infrastructure's included.
    /// </summary>
    private static bool IsCompositionRoot(ScannedType type) =>
        CompositionRoot.Contains(type.FullName)
        || type.EnclosingTypes.Any(enclosing => CompositionRoot.Contains(enclosing.FullName))
        || type.GeneratedBy == MediatorGenerator;

    /// <summary>
    /// A call to one of the framework's route-building methods: a <c>Map…</c> extension of
    /// <c>IEndpointRouteBuilder</c> (MapGet, MapGroup, MapHealthChecks, MapPrometheusScrapingEndpoint, MapFallback…)
    /// from outside the service's own code. A service method that maps routes is judged where it is written.
    /// </summary>
    private static bool IsRouteBuilding(CalledMethod call, ScannedType caller) =>
        call.Name.StartsWith("Map", StringComparison.Ordinal)
        && call.FirstParameterType == EndpointRouteBuilder
        && call.DeclaringType.Assembly != caller.Assembly
        && !call.DeclaringType.Assembly.StartsWith("CleanSse.", StringComparison.Ordinal)
        && !call.DeclaringType.IsWithin("CleanSse");

    private static bool IsWithin(ScannedType type, string @namespace) => Namespaces.IsWithin(type.Namespace, @namespace);

    private static string Uses(Dependency dependency) => $"uses {dependency}";

    private static IEnumerable<string> IsNamedAfter(ScannedType type, Dependency message, string suffix)
    {
        if (type.Name != message.Name + suffix)
        {
            yield return $"handles {message.FullName}, so must be named {message.Name + suffix}";
        }

        if (type.Namespace != message.Namespace)
        {
            yield return $"must live in {message.Namespace}, beside {message.Name}";
        }
    }

    private static IEnumerable<string> NotificationHandlerNaming(ScannedType type)
    {
        var words = type.Messages.Notifications.Select(notification => Words(notification.Name)).ToList();
        var shared = words.Aggregate((common, next) => [.. common.Zip(next).TakeWhile(pair => pair.First == pair.Second).Select(pair => pair.First)]);
        if (shared.Count == 0)
        {
            return [$"handles {string.Join(", ", type.Messages.Notifications.Select(notification => notification.Name))}, which share no leading word"];
        }

        var prefix = string.Concat(shared);
        var ownWords = Words(type.Name);
        return ownWords.Count >= shared.Count && ownWords.Take(shared.Count).SequenceEqual(shared)
            ? []
            : [$"must start with {prefix}, the words its notifications' names share"];
    }

    /// <summary>The words of a PascalCase name: <c>OrderStatusChanged</c> is Order, Status, Changed.</summary>
    private static List<string> Words(string name)
    {
        var words = new List<string>();
        var start = 0;
        for (var index = 1; index <= name.Length; index++)
        {
            if (index == name.Length || char.IsUpper(name[index]))
            {
                words.Add(name[start..index]);
                start = index;
            }
        }

        return words;
    }

    /// <summary>The assemblies the fixture references that are not part of the .NET runtime.</summary>
    private static IEnumerable<string> FixturePackageReferences =>
    [
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
        "Microsoft.AspNetCore.Http.Results",
        "Microsoft.AspNetCore.Routing",
        "Microsoft.AspNetCore",
        "Microsoft.AspNetCore.StaticFiles",

        // The OpenAPI package's source generator runs in every project that references the Api, and its generated
        // code names these.
        "Microsoft.AspNetCore.OpenApi",
        "Microsoft.OpenApi",
        "Microsoft.AspNetCore.Mvc.Core",
        "Microsoft.AspNetCore.Mvc.Abstractions",
    ];
}
