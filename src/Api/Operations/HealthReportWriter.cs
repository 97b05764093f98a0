using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CleanSse.Api.Operations;

/// <summary>
/// The body of a health answer: the overall status and each check's, e.g.
/// <c>{"status":"Degraded","checks":{"orders-database":"Healthy","redis":"Degraded"}}</c>, so an operator sees why an
/// instance that still answers 200 is degraded.
/// </summary>
public static class HealthReportWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(report);
        context.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(context.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteString(name, entry.Status.ToString());
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(context.RequestAborted);
    }
}
