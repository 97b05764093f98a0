using System.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace CleanSse.Api.ErrorHandling;

/// <summary>
/// Writes every problem document of the service, whoever raised it (the exception handler, status-code pages, the
/// authorization handler, the event stream's refusals, the charset check), so the same status has the same shape
/// everywhere: <c>type</c>, <c>title</c>, <c>status</c>, and <c>detail</c> where the catalog has one. It writes even when
/// the request's <c>Accept</c> names no JSON type (an <c>EventSource</c> accepts only <c>text/event-stream</c>): an error
/// body the client did not ask for is still better than an empty one.
/// </summary>
public sealed class ApiProblemDetailsWriter(IOptions<JsonOptions> jsonOptions) : IProblemDetailsWriter
{
    public const string MediaType = "application/problem+json";

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var httpContext = context.HttpContext;
        var problem = context.ProblemDetails;
        ProblemCatalog.Complete(problem, httpContext.Response.StatusCode);
        problem.Extensions.TryAdd("traceId", Activity.Current?.Id ?? httpContext.TraceIdentifier);
        httpContext.Response.StatusCode = problem.Status!.Value;
        return new ValueTask(httpContext.Response.WriteAsJsonAsync(
            problem, problem.GetType(), jsonOptions.Value.SerializerOptions, MediaType, httpContext.RequestAborted));
    }
}
