using System.Text.Json;
using CleanSse.Application.Common.Exceptions;
using CleanSse.Application.Common.Security;
using CleanSse.Domain.Common;
using CleanSse.Domain.Orders;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace CleanSse.Api.ErrorHandling;

/// <summary>
/// Maps every exception that reaches the host to RFC 9457 problem details. Expected failures keep their message;
/// anything else becomes a bare 500 with no exception text.
/// </summary>
public sealed partial class ProblemDetailsExceptionHandler(
    IProblemDetailsService problemDetails,
    ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ValidationException validation => ValidationProblem(validation),
            BadHttpRequestException badRequest => BindingProblems.For(badRequest),
            NotFoundException notFound => Problem(StatusCodes.Status404NotFound, "Not found", notFound.Message),
            UnauthorizedAccessException unauthorized => Problem(StatusCodes.Status401Unauthorized, "Unauthorized", unauthorized.Message),
            ForbiddenAccessException forbidden => Problem(StatusCodes.Status403Forbidden, "Forbidden", forbidden.Message),
            InvalidOrderTransitionException transition => Problem(StatusCodes.Status409Conflict, "Status change not allowed", transition.Message),
            ConcurrencyConflictException conflict => Problem(StatusCodes.Status409Conflict, "Conflicting change", conflict.Message),
            PreconditionFailedException stale => Problem(StatusCodes.Status412PreconditionFailed, "Precondition failed", stale.Message),
            IdempotencyKeyReusedException reused => Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency key reused", reused.Message),
            DomainException domain => Problem(StatusCodes.Status400BadRequest, "Invalid request", domain.Message),
            _ => null,
        };

        if (problem is null)
        {
            LogUnhandled(exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = Problem(StatusCodes.Status500InternalServerError, "An unexpected error occurred", null);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static ProblemDetails Problem(int status, string title, string? detail) =>
        new() { Status = status, Title = title, Detail = detail };

    private static HttpValidationProblemDetails ValidationProblem(ValidationException exception)
    {
        var errors = exception.Errors
            .GroupBy(failure => ToJsonPath(failure.PropertyName), StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(failure => failure.ErrorMessage).Distinct().ToArray(), StringComparer.Ordinal);

        return new HttpValidationProblemDetails(errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        };
    }

    /// <summary>FluentValidation names members as C# does (<c>Items[0].UnitPrice</c>); the API speaks camelCase JSON.</summary>
    private static string ToJsonPath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(segment => JsonNamingPolicy.CamelCase.ConvertName(segment)));

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled exception for {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, PathString path);
}
