using System.Globalization;

namespace CleanSse.TestKit;

/// <summary>Reads the service's Prometheus scrape.</summary>
public static class Metrics
{
    public static async Task<string> ScrapeAsync(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        return await client.GetStringAsync("/metrics", TestContext.Current.CancellationToken);
    }

    /// <summary>The sum of every series of <paramref name="name"/> in <paramref name="scrape"/>, or null when it has none.</summary>
    public static double? Value(string scrape, string name)
    {
        ArgumentNullException.ThrowIfNull(scrape);
        double? sum = null;
        foreach (var line in scrape.Split('\n'))
        {
            if (line.StartsWith('#') || !line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || (line[name.Length] != '{' && line[name.Length] != ' '))
            {
                continue;
            }

            var afterLabels = line[name.Length] == '{' ? line[(line.IndexOf('}', StringComparison.Ordinal) + 1)..] : line[name.Length..];
            var value = afterLabels.Trim().Split(' ')[0];
            sum = (sum ?? 0) + double.Parse(value, CultureInfo.InvariantCulture);
        }

        return sum;
    }
}
