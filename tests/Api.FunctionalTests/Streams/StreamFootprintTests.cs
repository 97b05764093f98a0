using System.Net;
using System.Security.Claims;
using CleanSse.Infrastructure.Realtime.Connections;
using CleanSse.TestKit;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>
/// What an idle stream keeps for its whole life. Its sign-in is read once, at admission: the principal, and the
/// request services that authenticated it, must not stay reachable from a stream that may stay open for hours, times
/// every open stream.
/// </summary>
public sealed class StreamFootprintTests
{
    [Fact]
    public async Task An_open_stream_keeps_neither_its_sign_in_nor_the_services_that_admitted_it()
    {
        var probe = new AdmissionProbe();
        await using var host = await ServiceHost.StartAsync(configureServices: services =>
        {
            services.AddSingleton(probe);
            services.AddScoped<IClaimsTransformation, ProbingClaimsTransformation>();
        }, cancellationToken: TestContext.Current.CancellationToken);

        await using var stream = await SseReader.OpenAsync(host);
        stream.Response.EnsureSuccessStatusCode();
        var first = await stream.ReadBlockAsync(TimeSpan.FromSeconds(10));
        first.ShouldNotBeNull().Data.ShouldBe("""{"type":"connected"}""");

        var admission = probe.StreamAdmission.ShouldNotBeNull("the stream's sign-in went through the claims transformation");
        admission.Services.Disposed.ShouldBeTrue("the services that admitted the stream are disposed once it is open");

        // The transformed principal is this request's own object: once nothing of the request holds it, a full
        // collection takes it, while the stream stays open.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        admission.Principal.TryGetTarget(out _).ShouldBeFalse("an open stream still holds the principal it was admitted with");

        // Still streaming: a new order reaches it.
        var created = await host.Orders.CreateAsync("after the collection", cancellationToken: TestContext.Current.CancellationToken);
        var next = await stream.ReadBlockAsync(TimeSpan.FromSeconds(10));
        next.ShouldNotBeNull().EventType.ShouldBe("new-order");
        next.Data.ShouldNotBeNull().ShouldContain(created.Id);
    }

    [Fact]
    public async Task A_stream_whose_admission_fails_answers_a_500_problem_with_the_security_headers_and_is_not_counted()
    {
        await using var host = await ServiceHost.StartAsync(
            configureServices: services => services.AddScoped<IClaimsTransformation, FailingOnStreams>(),
            cancellationToken: TestContext.Current.CancellationToken);

        await using var stream = await SseReader.OpenAsync(host);

        var problem = await stream.Response.ShouldBeProblemAsync(HttpStatusCode.InternalServerError);
        problem.GetProperty("title").GetString().ShouldBe("An unexpected error occurred");
        problem.TryGetProperty("detail", out _).ShouldBeFalse("no exception text reaches the client");
        stream.Response.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
        stream.Response.Headers.GetValues("X-Frame-Options").ShouldBe(["DENY"]);
        host.GetRequiredService<SseConnectionHub>().Count.ShouldBe(0);

        // Other requests are not affected.
        using var orders = await host.Http.GetAsync("/api/orders", TestContext.Current.CancellationToken);
        orders.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    private sealed class FailingOnStreams(IHttpContextAccessor accessor) : IClaimsTransformation
    {
        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal) =>
            accessor.HttpContext?.Request.Path == "/api/events"
                ? throw new InvalidOperationException("The user store is unreachable.")
                : Task.FromResult(principal);
    }

    private sealed class AdmissionProbe
    {
        public Admission? StreamAdmission { get; set; }
    }

    private sealed record Admission(WeakReference<ClaimsPrincipal> Principal, ProbingClaimsTransformation Services);

    /// <summary>Runs in the request's services at every authentication; remembers the stream's, weakly.</summary>
    private sealed class ProbingClaimsTransformation(AdmissionProbe probe, IHttpContextAccessor accessor) : IClaimsTransformation, IDisposable
    {
        public bool Disposed { get; private set; }

        public Task<ClaimsPrincipal> TransformAsync(ClaimsPrincipal principal)
        {
            // A copy only this request holds, so whether it is still reachable says whether the request holds it.
            var own = principal.Clone();
            if (principal.Identity?.IsAuthenticated == true && accessor.HttpContext?.Request.Path == "/api/events")
            {
                probe.StreamAdmission = new Admission(new WeakReference<ClaimsPrincipal>(own), this);
            }

            return Task.FromResult(own);
        }

        public void Dispose() => Disposed = true;
    }
}
