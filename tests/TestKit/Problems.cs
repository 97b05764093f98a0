using System.Net;
using System.Text.Json;

namespace CleanSse.TestKit;

/// <summary>Checks that an error answer is RFC 9457 problem details.</summary>
public static class Problems
{
    public const string MediaType = "application/problem+json";

    /// <summary>Asserts the status, the media type, and that the body carries the same <c>status</c>, a <c>type</c> and a <c>title</c>.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        ArgumentNullException.ThrowIfNull(response);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe(MediaType, body);

        using var document = JsonDocument.Parse(body);
        var root = document.RootElement.Clone();
        root.GetProperty("status").GetInt32().ShouldBe((int)status, body);
        root.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace(body);
        root.TryGetProperty("type", out var type).ShouldBeTrue($"no 'type' in {body}");
        type.GetString().ShouldNotBeNullOrWhiteSpace(body);
        return root;
    }

    /// <summary>Asserts a 400 validation problem whose <c>errors</c> name <paramref name="field"/>.</summary>
    public static async Task<JsonElement> ShouldBeValidationProblemAsync(this HttpResponseMessage response, string field)
    {
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.TryGetProperty("errors", out var errors).ShouldBeTrue($"no 'errors' in {problem}");
        var fields = errors.EnumerateObject().Select(property => property.Name).ToList();
        fields.ShouldContain(field, $"errors are keyed {string.Join(", ", fields)}");
        errors.GetProperty(field).EnumerateArray().ShouldNotBeEmpty();
        return problem;
    }
}
