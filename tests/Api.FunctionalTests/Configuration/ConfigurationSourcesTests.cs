using CleanSse.TestKit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace CleanSse.Api.FunctionalTests.Configuration;

/// <summary>How the service reads its settings files.</summary>
public sealed class ConfigurationSourcesTests
{
    [Fact]
    public async Task Settings_files_are_read_once_so_nothing_watches_the_content_root_where_the_database_lives()
    {
        // Issue 13: watching appsettings.json watched the whole content root, the default home of the SQLite file and
        // its WAL, and every commit woke the watcher (a file-status call per change, under load).
        await using var service = await ServiceHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);

        var configuration = (IConfigurationRoot)service.GetRequiredService<IConfiguration>();
        var files = configuration.Providers.OfType<JsonConfigurationProvider>().ToList();

        files.ShouldNotBeEmpty();
        files.ShouldAllBe(file => !file.Source.ReloadOnChange);
    }
}
