using System.Text.Json.Nodes;
using CleanSse.Application.Orders.Events;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CleanSse.Api.OpenApi;

/// <summary>
/// Describes what <c>GET /api/events</c> sends: a <c>text/event-stream</c> of named events, each with its own versioned
/// payload schema. OpenAPI 3.1 has no way to type the items of a stream, so the 200 response's schema is a
/// <c>oneOf</c> of the events (each an object of the SSE fields <c>event</c>, <c>id</c> and <c>data</c>), and the
/// operation's <c>x-sse-events</c> lists each event's name, payload schema and version for tools that read it.
/// </summary>
internal sealed class EventStreamDocumentTransformer : IOpenApiDocumentTransformer
{
    public const string Path = "/api/events";
    public const string ContentType = "text/event-stream";

    /// <summary>The stream's events: name on the wire (null for the unnamed one), component and payload schema, version.</summary>
    public static IReadOnlyList<StreamEventContract> Events { get; } =
    [
        new(null, "ConnectedEvent", "ConnectedEventV1", 1, HasId: false,
            "First on every stream, unnamed and without an id: the stream is open. A client loads its state when it sees it (after a `reset` too)."),
        new("new-order", "NewOrderEvent", nameof(OrderSnapshotV1), 1, HasId: true,
            "An order was created; `data` is the order, on one line."),
        new("order-updated", "OrderUpdatedEvent", nameof(OrderSnapshotV1), 1, HasId: true,
            "An order changed status; `data` is the whole order after the change."),
        new("reset", "ResetEvent", "ResetEventV1", 1, HasId: true,
            "The `Last-Event-ID` asked for is older than the retained history, or unknown: the client must reload its orders. Its id is the newest event's, so the next resume starts from there."),
    ];

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        if (document.Paths?.TryGetValue(Path, out var item) != true
            || item!.Operations?.TryGetValue(HttpMethod.Get, out var operation) != true
            || operation!.Responses?.TryGetValue("200", out var ok) != true
            || ok is not OpenApiResponse response)
        {
            return;
        }

        var snapshot = await Schemas.ReferenceAsync(typeof(OrderSnapshotV1), nameof(OrderSnapshotV1), document, context, cancellationToken);
        Schemas.Add("ConnectedEventV1", ConnectedPayload(), document);
        Schemas.Add("ResetEventV1", ResetPayload(), document);

        var events = new List<IOpenApiSchema>();
        var listed = new JsonArray();
        foreach (var contract in Events)
        {
            var payload = contract.PayloadSchema == nameof(OrderSnapshotV1) ? snapshot : new OpenApiSchemaReference(contract.PayloadSchema, document);
            events.Add(Schemas.Add(contract.Component, Envelope(contract, payload), document));
            listed.Add(new JsonObject
            {
                ["event"] = contract.Name,
                ["schema"] = $"#/components/schemas/{contract.Component}",
                ["data"] = $"#/components/schemas/{contract.PayloadSchema}",
                ["version"] = contract.Version,
            });
        }

        response.Description = "The stream: an unnamed `connected` event, the replay of what the client missed (or a `reset`), then live events. A comment line (`:`) at least every heartbeat interval keeps idle streams open; on shutdown a `retry:` line ends the stream.";
        response.Content ??= new Dictionary<string, OpenApiMediaType>();
        response.Content[ContentType] = new OpenApiMediaType
        {
            Schema = new OpenApiSchema
            {
                Description = "One event of the stream, as its SSE fields; `data` is the JSON payload on one line.",
                OneOf = events,
            },
            Example = JsonValue.Create(
                "data: {\"type\":\"connected\"}\n\n" +
                "event: new-order\nid: 1764660000000-0\ndata: {\"id\":\"0193a3c4e5f67a8b9c0d1e2f3a4b5c6d\",\"customerId\":\"5d0c7d8e-1f3a-4b6c-9d2e-7f8a9b0c1d2e\",\"customer\":\"Ada\",\"items\":[{\"sku\":\"BOOK-1\",\"quantity\":2,\"unitPrice\":12.5}],\"note\":null,\"total\":25.0,\"status\":\"new\",\"createdAt\":\"2026-12-02T07:31:00Z\"}\n\n"),
        };
        operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
        operation.Extensions["x-sse-events"] = new JsonNodeExtension(listed);
    }

    private static OpenApiSchema Envelope(StreamEventContract contract, IOpenApiSchema payload)
    {
        var properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal);
        var required = new HashSet<string>(StringComparer.Ordinal) { "data" };
        if (contract.Name is { } name)
        {
            properties["event"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = name };
            required.Add("event");
        }

        if (contract.HasId)
        {
            properties["id"] = new OpenApiSchema
            {
                Type = JsonSchemaType.String,
                Description = "Ordered by the service; clients treat it as opaque and send it back as `Last-Event-ID`.",
            };
            required.Add("id");
        }

        properties["data"] = payload;
        // The unnamed event is the one a browser's EventSource delivers as "message".
        return new OpenApiSchema
        {
            Type = JsonSchemaType.Object,
            Title = contract.Name ?? "connected",
            Description = contract.Description,
            Properties = properties,
            Required = required,
            Extensions = new Dictionary<string, IOpenApiExtension>
            {
                ["x-sse-event"] = new JsonNodeExtension(JsonValue.Create(contract.Name ?? "message")),
                ["x-version"] = new JsonNodeExtension(JsonValue.Create(contract.Version)),
            },
        };
    }

    private static OpenApiSchema ConnectedPayload() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "Version 1 of the `connected` event's data.",
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = "connected" },
        },
        Required = new HashSet<string>(StringComparer.Ordinal) { "type" },
        Examples = [new JsonObject { ["type"] = "connected" }],
    };

    private static OpenApiSchema ResetPayload() => new()
    {
        Type = JsonSchemaType.Object,
        Description = "Version 1 of the `reset` event's data. `changedSince`, when present and not null, is an instant at or before the last event the client had: reloading `GET /api/orders?changedSince=` (walking `next`) and merging gives every change it missed; otherwise the client reloads every page.",
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["reason"] = new OpenApiSchema { Type = JsonSchemaType.String, Const = "history-gap" },
            ["lastEventId"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "The id the client asked to resume after." },
            ["changedSince"] = new OpenApiSchema { Type = JsonSchemaType.String | JsonSchemaType.Null, Format = "date-time" },
        },
        Required = new HashSet<string>(StringComparer.Ordinal) { "reason", "lastEventId" },
        Examples = [new JsonObject { ["reason"] = "history-gap", ["lastEventId"] = "1764650000000-0", ["changedSince"] = "2026-12-02T06:30:00Z" }],
    };
}

/// <summary>One event of the stream as the document describes it.</summary>
internal sealed record StreamEventContract(string? Name, string Component, string PayloadSchema, int Version, bool HasId, string Description);
