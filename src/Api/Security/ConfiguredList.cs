namespace CleanSse.Api.Security;

/// <summary>
/// A list setting given either as an array (<c>Cors:AllowedOrigins:0</c>, a JSON array in appsettings) or as one
/// comma-separated string (<c>Cors__AllowedOrigins=https://a.example,https://b.example</c>), the form an environment
/// variable makes easy. Both may be present; blanks are dropped.
/// </summary>
public static class ConfiguredList
{
    public static IReadOnlyList<string> Read(IConfiguration configuration, string key)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(key);
        var values = new List<string>();
        if (!string.IsNullOrWhiteSpace(section.Value))
        {
            values.AddRange(section.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
        }

        values.AddRange(section.GetChildren()
            .Select(child => child.Value?.Trim())
            .Where(value => !string.IsNullOrEmpty(value))
            .Select(value => value!));
        return values;
    }
}
