using CleanSse.Api;
using CleanSse.Api.CommandLine;
using CleanSse.Api.Endpoints;
using CleanSse.Api.ErrorHandling;
using CleanSse.Api.Security;
using CleanSse.Infrastructure;
using Serilog;

// appsettings.json is read at start and not watched: its watcher watches the whole content root, where the SQLite file
// and its WAL live by default, and woke on every commit. A later --hostBuilder:reloadConfigOnChange=true turns it back on.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);

builder.AddWebServices();
builder.Services.AddApplicationServices();
builder.Services.AddInfrastructure(builder.Configuration);

var app = builder.Build();

await app.Services.MigrateOrdersDatabaseAsync();
if (StaffCommandLine.Handles(args))
{
    return await StaffCommandLine.RunAsync(app.Services, args, Console.In, Console.Out, Console.Error);
}

await app.Services.EnsureDemoStaffAsync();

// Outside the exception handler, so each request is logged with the status its client received, not a 500 for
// every failure the handler answers as a 4xx. Event streams log their own end instead: the per-request log's state
// would otherwise live, per idle stream, for as long as the stream.
app.UseEdgePolicies();
app.UseWhen(context => !EventsEndpoints.IsStreamRequest(context.Request), branch => branch.UseSerilogRequestLogging());
app.UseCrossOriginRequests();
// Event streams leave the pipeline here: every middleware below would keep a frame, and authentication and
// authorization the sign-in, for as long as a stream stays open. A stream checks the same policy at its admission,
// and its refusals and failures are problem details like every other error.
app.UseEventStreams();
app.UseExceptionHandler();
// Unknown routes (404), wrong methods (405) and wrong content types (415) get problem details too.
app.UseStatusCodePages();
// The dashboard's files: API, health and metrics requests never look for a file on disk.
app.UseWhen(
    context => !IsServicePath(context.Request.Path),
    branch => branch.UseDefaultFiles().UseStaticFiles());

app.UseWhen(
    context => context.Request.Path.StartsWithSegments("/api"),
    branch => branch.UseMiddleware<RequestBodyLimitMiddleware>().UseMiddleware<RequestCharsetMiddleware>());
app.UseAuthentication();
app.UseWriteRateLimit();
// After authentication, which tells a cookie-signed request from a bearer one; before anything acts on the request.
app.UseMiddleware<CrossSiteRequestGuard>();
app.UseAuthorization();

app.MapServiceEndpoints();

await app.WarmUpAsync();
await app.RunAsync();
return 0;

static bool IsServicePath(PathString path) =>
    path.StartsWithSegments("/api") || path.StartsWithSegments("/healthz") || path.StartsWithSegments("/metrics");

/// <summary>The entry point, visible to the functional tests' host factory.</summary>
public partial class Program;
