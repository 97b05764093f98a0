using System.Reflection;
using CleanSse.Architecture.Tests.Rules;

namespace CleanSse.Architecture.Tests.Planting;

/// <summary>
/// What a rule must say about a planted type: report it with <see cref="Evidence"/> among its reasons, or, when the
/// evidence is null, say nothing about it.
/// </summary>
internal sealed record Expectation(string Rule, string? Evidence);

/// <summary>Planted types to compile together into an assembly, each with what the rules must say about it.</summary>
internal sealed record Planting(string AssemblyName, IReadOnlyList<(PlantedType Type, IReadOnlyList<Expectation> Expectations)> Types)
{
    /// <summary>Source compiled with the planted types that the rules are not asked about.</summary>
    public IReadOnlyList<SourceFile> SupportFiles { get; init; } = [];
}

// Each planted statement stores what it reaches into 'state': the compiler drops a side-effect-free expression whose
// value is discarded, and with it the very dependency the statement was meant to plant.

/// <summary>One kind of violation, planted in every hiding place under random namespaces, names and folders.</summary>
internal sealed record PlantedViolation(string Name, Func<Planter, Planting> Plant)
{
    public override string ToString() => Name;
}

internal static class PlantedViolations
{
    private const string OrdersDbContext = "CleanSse.Infrastructure.Persistence.OrdersDbContext";
    private const string OrderRepository = "CleanSse.Application.Common.Persistence.IOrderRepository";
    private static readonly string[] MapMethods = ["MapGet", "MapPost", "MapPut", "MapDelete", "MapPatch"];

    public static IReadOnlyList<PlantedViolation> All { get; } =
    [
        new("A domain type that calls HttpClient", planter => InLayer(
            planter,
            "CleanSse.Domain",
            [
                "_ = new System.Net.Http.HttpClient().GetStringAsync(\"http://example.invalid/\");",
                "state = state as System.Net.Http.HttpClient;",
                "using var handler = new System.Net.Http.SocketsHttpHandler();",
            ],
            new Expectation(ServiceRules.DomainDependencies, "uses System.Net.Http."))),

        new("A domain type that writes files", planter => InLayer(
            planter,
            "CleanSse.Domain",
            [
                "System.IO.File.WriteAllText(\"orders.txt\", state?.ToString());",
                "using var stream = new System.IO.FileStream(\"orders.bin\", System.IO.FileMode.Create);",
                "System.IO.Directory.CreateDirectory(\"orders\");",
            ],
            new Expectation(ServiceRules.DomainDependencies, "uses System.IO."))),

        new("An application type that runs SQL on a DbConnection", planter => InLayer(
            planter,
            "CleanSse.Application",
            [
                "var command = ((System.Data.Common.DbConnection)state!).CreateCommand(); command.CommandText = \"DELETE FROM orders\"; command.ExecuteNonQuery();",
                "_ = ((System.Data.IDbConnection)state!).CreateCommand().ExecuteScalar();",
            ],
            new Expectation(ServiceRules.ApplicationDependencies, "uses System.Data."))),

        new("A persistence type that uses a realtime type", planter => AcrossInfrastructure(planter, from: "Persistence", to: "Realtime")),

        new("A realtime type that uses a persistence type", planter => AcrossInfrastructure(planter, from: "Realtime", to: "Persistence")),

        new("A route that injects OrdersDbContext, mapped anywhere in the Api", planter => Routes(
            planter,
            $"(global::{OrdersDbContext} database) => database.GetType().Name",
            isEndpoint => isEndpoint
                ? [new(ServiceRules.CompositionRootOnly, Uses(OrdersDbContext)), new(ServiceRules.EndpointDependencies, Uses(OrdersDbContext))]
                : [new(ServiceRules.CompositionRootOnly, Uses(OrdersDbContext)), new(ServiceRules.EndpointTypesMapRoutes, ".Map")])),

        new("A route that injects IOrderRepository instead of sending a query", planter => Routes(
            planter,
            $"(global::{OrderRepository} orders) => orders.GetType().Name",
            isEndpoint => isEndpoint
                ? [new(ServiceRules.EndpointDependencies, Uses(OrderRepository)), new(ServiceRules.CompositionRootOnly, null)]
                : [new(ServiceRules.EndpointTypesMapRoutes, ".Map"), new(ServiceRules.CompositionRootOnly, null)])),

        new("An endpoint type whose route sends a query (allowed)", planter => Routes(
            planter,
            "(string id, global::Mediator.ISender sender, System.Threading.CancellationToken cancellationToken) => "
                + "sender.Send(new global::CleanSse.Application.Orders.Queries.GetOrderById.GetOrderByIdQuery(id), cancellationToken)",
            _ => [new(ServiceRules.CompositionRootOnly, null), new(ServiceRules.EndpointTypesMapRoutes, null), new(ServiceRules.EndpointDependencies, null)],
            alwaysAnEndpoint: true)),

        new("A command handler that publishes or sends", CommandHandlers),

        new("The realtime stream entry point, used by endpoint types (allowed) and elsewhere in the Api", StreamEntryPoint),
    ];

    public static PlantedViolation Named(string name) => All.Single(violation => violation.Name == name);

    private static string Uses(string fullName) => $"uses {fullName} (";

    /// <summary>
    /// Types compiled into an assembly named like the layer's, in its namespace or in a namespace unlike any of the
    /// layer's: the assembly a type is compiled into decides its layer, not the folder or namespace it is written in.
    /// </summary>
    private static Planting InLayer(Planter planter, string layer, string[] statements, Expectation expectation) =>
        new(layer, [.. Enum.GetValues<HidingPlace>().Select(place =>
        {
            var type = planter.Plant(
                planter.Coin() ? planter.Namespace(layer) : planter.Namespace(null),
                planter.TypeName(),
                planter.Coin(),
                place,
                planter.Pick(statements));
            return (type, (IReadOnlyList<Expectation>)[expectation]);
        })]);

    /// <summary>Types in one part of the infrastructure (told apart by namespace) that use a random type of the other part.</summary>
    private static Planting AcrossInfrastructure(Planter planter, string from, string to)
    {
        var targets = typeof(Infrastructure.DependencyInjection).Assembly.GetExportedTypes()
            .Where(type => !type.IsNested && !type.IsGenericType && type.Namespace is { } name && Dependencies.Namespaces.IsWithin(name, "CleanSse.Infrastructure." + to))
            .ToList();

        return new("Planted" + planter.Phrase(1, 2), [.. Enum.GetValues<HidingPlace>().Select(place =>
        {
            var target = planter.Pick(targets);
            var isStaticClass = target.IsAbstract && target.IsSealed;
            var statement = isStaticClass
                ? $"state = typeof(global::{target.FullName});"
                : planter.Pick(
                [
                    $"state = typeof(global::{target.FullName});",
                    $"state = state is global::{target.FullName};",
                    $"state = new System.Collections.Generic.List<global::{target.FullName}>();",
                ]);
            var type = planter.Plant(planter.Namespace("CleanSse.Infrastructure." + from), planter.TypeName(), planter.Coin(), place, statement);
            return (type, (IReadOnlyList<Expectation>)[new(ServiceRules.PersistenceApartFromRealtime, Uses(target.FullName!))]);
        })]);
    }

    /// <summary>
    /// Api types (an endpoint type, or a static or sealed class of any other name) that map a route to
    /// <paramref name="handler"/> with a random one of the framework's Map methods, directly or in a group.
    /// </summary>
    private static Planting Routes(Planter planter, string handler, Func<bool, IReadOnlyList<Expectation>> expectations, bool alwaysAnEndpoint = false) =>
        new("CleanSse.Api", [.. Enum.GetValues<HidingPlace>().Select(place =>
        {
            var isEndpoint = alwaysAnEndpoint || planter.Coin();
            var routes = "((global::Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)state!)";
            if (planter.Coin())
            {
                routes = $"global::Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.MapGroup({routes}, \"/{planter.Word().ToLowerInvariant()}\")";
            }

            var statement = $"global::Microsoft.AspNetCore.Builder.EndpointRouteBuilderExtensions.{planter.Pick(MapMethods)}({routes}, \"/{planter.Word().ToLowerInvariant()}/{{id}}\", {handler});";
            var type = planter.Plant(
                planter.Coin() ? planter.Namespace("CleanSse.Api") : planter.Namespace(null),
                planter.TypeName(isEndpoint ? "Endpoints" : null),
                isStatic: isEndpoint || planter.Coin(),
                place,
                statement);
            return (type, expectations(isEndpoint));
        })]);

    /// <summary>
    /// Api types that use the realtime layer's stream entry point, compiled here beside them under its own name (the
    /// rule knows it by name): endpoint types may, other types may not.
    /// </summary>
    private static Planting StreamEntryPoint(Planter planter)
    {
        var entryPoint = new SourceFile(
            "src/Infrastructure/Realtime/EventStreamEndpoint.cs",
            $$"""
            namespace CleanSse.Infrastructure.Realtime
            {
                public static class EventStreamEndpoint
                {
                    public static void Open(object? state) { }
                }
            }
            """);

        return new("CleanSse.Api", [.. Enum.GetValues<HidingPlace>().Select(place =>
        {
            var isEndpoint = planter.Coin();
            var type = planter.Plant(
                planter.Coin() ? planter.Namespace("CleanSse.Api") : planter.Namespace(null),
                planter.TypeName(isEndpoint ? "Endpoints" : null),
                isStatic: isEndpoint || planter.Coin(),
                place,
                "global::CleanSse.Infrastructure.Realtime.EventStreamEndpoint.Open(state);");
            return (type, (IReadOnlyList<Expectation>)[new(ServiceRules.CompositionRootOnly, isEndpoint ? null : Uses(ServiceRules.EventStreamEndpoint))]);
        })])
        {
            SupportFiles = [entryPoint],
        };
    }

    /// <summary>Command handlers, anywhere, that reach for the publisher, the mediator or the sender.</summary>
    private static Planting CommandHandlers(Planter planter) =>
        new("Planted" + planter.Phrase(1, 2), [.. Enum.GetValues<HidingPlace>().Select(place =>
        {
            var sender = planter.Pick(["Mediator.IPublisher", "Mediator.IMediator", "Mediator.ISender"]);
            var command = planter.Word() + "Command";
            var name = planter.TypeName();
            var type = planter.Plant(
                planter.Coin() ? planter.Namespace("CleanSse.Application") : planter.Namespace(null),
                name,
                isStatic: false,
                place,
                $"state = state as global::{sender};",
                baseList: $": global::Mediator.ICommandHandler<{name}.{command}>",
                members: $"public sealed record {command} : global::Mediator.ICommand; "
                    + $"public System.Threading.Tasks.ValueTask<global::Mediator.Unit> Handle({command} command, System.Threading.CancellationToken cancellationToken) => default;");
            return (type, (IReadOnlyList<Expectation>)[new(ServiceRules.CommandHandlersDoNotPublish, Uses(sender))]);
        })]);
}
