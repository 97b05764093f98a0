using System.Diagnostics;
using CleanSse.Application.Common.Tracing;
using CleanSse.Infrastructure.Persistence.Outbox;
using CleanSse.Infrastructure.Realtime.EventLog;
using CleanSse.Infrastructure.Realtime.Publishing;
using CleanSse.TestKit;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace CleanSse.Api.FunctionalTests.Tracing;

/// <summary>
/// One trace follows an order: the POST, the mediator, the commit that writes the outbox row, the publication, the log
/// append and the delivery to an open stream; an event the sweep publishes later joins the same trace.
/// </summary>
public sealed class OrderTraceTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task One_trace_runs_from_the_POST_to_the_delivery_on_an_open_stream()
    {
        var spans = new SpanCollection();
        await using var host = await ServiceHost.StartAsync(Recording, configureServices: services => Export(services, spans), cancellationToken: Token);
        await using var stream = await SseReader.OpenAsync(host);
        (await stream.ReadBlockAsync(TimeSpan.FromSeconds(10)))!.Data.ShouldBe("""{"type":"connected"}""");

        await host.Orders.CreateAsync("traced", cancellationToken: Token);
        var delivered = await stream.ReadEventAsync(TimeSpan.FromSeconds(10));
        delivered.EventType.ShouldBe(OrderEventsSsePublisher.NewOrderEventType);

        var deliver = await SpanAsync(spans, span => span.DisplayName == "deliver new-order" && Tag(span, "cleansse.stream.event_id") == delivered.Id);
        var post = await SpanAsync(spans, span => span.Kind == ActivityKind.Server && span.TraceId == deliver.TraceId
            && Tag(span, "http.request.method") == "POST" && Tag(span, "url.path") == "/api/orders");
        // The publication's span ends after its outbox mark, which may finish after the request has answered.
        var publish = await SpanAsync(spans, span => span.TraceId == post.TraceId && span.DisplayName == "publish OrderCreated");
        var all = spans.InTrace(post.TraceId);

        var mediator = all.Single(span => span.DisplayName == "CreateOrderCommand");
        var commit = all.Single(span => span.DisplayName == "commit");
        var append = all.Single(span => span.DisplayName == "append new-order");
        Descends(mediator, post, all).ShouldBeTrue("the mediator runs inside the request");
        Descends(commit, mediator, all).ShouldBeTrue("the commit runs inside the handler");
        Descends(publish, mediator, all).ShouldBeTrue("the request publishes after the commit, inside the pipeline");
        append.ParentSpanId.ShouldBe(publish.SpanId);
        deliver.ParentSpanId.ShouldBe(append.SpanId, "the delivery continues the append it read from the log");
        Tag(deliver, "cleansse.sse.streams").ShouldBe("1");
    }

    [Fact]
    public async Task An_event_the_sweep_publishes_joins_the_trace_of_the_request_that_committed_it()
    {
        var spans = new SpanCollection();
        var failing = new FailingAppends();
        await using var host = await ServiceHost.StartAsync(
            new Dictionary<string, string?>(Recording) { ["Outbox:PollInterval"] = "01:00:00" },
            configureServices: services =>
            {
                Export(services, spans);
                services.AddSingleton<IEventLog>(provider => failing.Around(ActivatorUtilities.CreateInstance<InMemoryEventLog>(provider)));
            },
            cancellationToken: Token);
        await using var stream = await SseReader.OpenAsync(host);
        (await stream.ReadBlockAsync(TimeSpan.FromSeconds(10)))!.Data.ShouldBe("""{"type":"connected"}""");

        failing.On = true;
        await host.Orders.CreateAsync("left to the sweep", cancellationToken: Token);
        failing.On = false;
        var failedPublish = await SpanAsync(spans, span => span.DisplayName == "publish OrderCreated" && span.Status == ActivityStatusCode.Error);

        (await host.HostedService<OutboxDispatcher>().DispatchPendingAsync(DateTimeOffset.UtcNow.AddMinutes(1), 100, Token)).ShouldBe(1);
        var delivered = await stream.ReadEventAsync(TimeSpan.FromSeconds(10));
        delivered.EventType.ShouldBe(OrderEventsSsePublisher.NewOrderEventType);

        var deliver = await SpanAsync(spans, span => span.DisplayName == "deliver new-order" && Tag(span, "cleansse.stream.event_id") == delivered.Id);
        deliver.TraceId.ShouldBe(failedPublish.TraceId, "the swept event's delivery is in its request's trace");
        var all = spans.InTrace(deliver.TraceId);
        var commit = all.Single(span => span.DisplayName == "commit");
        var sweep = spans.All.Single(span => span.DisplayName == "outbox sweep");
        var sweptPublish = all.Single(span => span.DisplayName == "publish OrderCreated" && span.Status != ActivityStatusCode.Error);
        var append = all.Single(span => span.DisplayName == "append new-order" && span.ParentSpanId == sweptPublish.SpanId);

        sweptPublish.ParentSpanId.ShouldBe(commit.SpanId, "the outbox row carried the commit's traceparent");
        sweptPublish.Links.Select(link => link.Context.SpanId).ShouldBe([sweep.SpanId], "it links the sweep that published it");
        deliver.ParentSpanId.ShouldBe(append.SpanId);
        all.ShouldContain(span => span.Kind == ActivityKind.Server && Tag(span, "url.path") == "/api/orders");
    }

    [Fact]
    public async Task Spans_are_recorded_only_when_something_exports_them()
    {
        await using (var quiet = await ServiceHost.StartAsync(cancellationToken: Token))
        {
            quiet.Services.GetService<TracerProvider>().ShouldBeNull("no exporter: no request builds spans for nobody");
        }

        await using var recording = await ServiceHost.StartAsync(Recording, cancellationToken: Token);
        recording.Services.GetService<TracerProvider>().ShouldNotBeNull();
    }

    // Tracing is registered only when spans go somewhere: an OTLP endpoint, or this for an exporter added in code.
    private static readonly Dictionary<string, string?> Recording = new() { [CleanSse.Api.DependencyInjection.TracingEnabledKey] = "true" };

    private static void Export(IServiceCollection services, SpanCollection spans) =>
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(spans));

    private static string? Tag(Activity span, string name) => span.TagObjects.FirstOrDefault(tag => tag.Key == name).Value?.ToString();

    private static bool Descends(Activity span, Activity ancestor, IReadOnlyList<Activity> trace)
    {
        var current = span;
        while (current.ParentSpanId != default)
        {
            if (current.ParentSpanId == ancestor.SpanId)
            {
                return true;
            }

            var parent = trace.FirstOrDefault(candidate => candidate.SpanId == current.ParentSpanId);
            if (parent is null)
            {
                return false;
            }

            current = parent;
        }

        return false;
    }

    private static async Task<Activity> SpanAsync(SpanCollection spans, Func<Activity, bool> match)
    {
        Activity? found = null;
        await Eventually.HoldsAsync(
            () => (found = spans.All.FirstOrDefault(match)) is not null,
            () => $"no such span among {string.Join(", ", spans.All.Select(span => span.DisplayName))}");
        return found!;
    }

    /// <summary>What the exporter hands over, from whichever thread ended the span.</summary>
    private sealed class SpanCollection : ICollection<Activity>
    {
        private readonly Lock _gate = new();
        private readonly List<Activity> _spans = [];

        public IReadOnlyList<Activity> All
        {
            get
            {
                lock (_gate)
                {
                    return [.. _spans];
                }
            }
        }

        public int Count => All.Count;

        public bool IsReadOnly => false;

        public List<Activity> InTrace(ActivityTraceId traceId) => [.. All.Where(span => span.TraceId == traceId)];

        public void Add(Activity item)
        {
            lock (_gate)
            {
                _spans.Add(item);
            }
        }

        public void Clear()
        {
            lock (_gate)
            {
                _spans.Clear();
            }
        }

        public bool Contains(Activity item) => All.Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex)
        {
            lock (_gate)
            {
                _spans.CopyTo(array, arrayIndex);
            }
        }

        public bool Remove(Activity item)
        {
            lock (_gate)
            {
                return _spans.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator() => All.GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }

    /// <summary>An event log whose appends fail while <see cref="On"/>: the request's publication fails, its row waits.</summary>
    private sealed class FailingAppends
    {
        public volatile bool On;

        public IEventLog Around(IEventLog inner) => new Log(inner, this);

        private sealed class Log(IEventLog inner, FailingAppends switchOf) : IEventLog
        {
            public ValueTask<LoggedEvent> AppendAsync(string type, string data, string? deduplicationKey, string? ownerId, CancellationToken cancellationToken) =>
                switchOf.On
                    ? ValueTask.FromException<LoggedEvent>(new InvalidOperationException("The log is unreachable."))
                    : inner.AppendAsync(type, data, deduplicationKey, ownerId, cancellationToken);

            // The publisher appends in batches, each event with its own traceparent: the log keeps them only if the batch reaches it whole.
            public ValueTask<IReadOnlyList<LoggedEvent>> AppendBatchAsync(IReadOnlyList<EventAppend> events, CancellationToken cancellationToken) =>
                switchOf.On
                    ? ValueTask.FromException<IReadOnlyList<LoggedEvent>>(new InvalidOperationException("The log is unreachable."))
                    : inner.AppendBatchAsync(events, cancellationToken);

            public ValueTask<(EventPosition Position, string Id)> GetHeadAsync(CancellationToken cancellationToken) => inner.GetHeadAsync(cancellationToken);

            public ValueTask<ResumePoint> ResolveAsync(string lastEventId, CancellationToken cancellationToken) => inner.ResolveAsync(lastEventId, cancellationToken);

            public ValueTask<IReadOnlyList<LoggedEvent>> ReadAfterAsync(EventPosition after, int maxCount, CancellationToken cancellationToken) =>
                inner.ReadAfterAsync(after, maxCount, cancellationToken);

            public IAsyncEnumerable<LoggedEvent> SubscribeAsync(CancellationToken cancellationToken) => inner.SubscribeAsync(cancellationToken);
        }
    }
}
