using System.Net;
using System.Text.Json.Nodes;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>A restarted service keeps its orders but not its event history: an old id is from another log.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task An_id_of_the_previous_process_starts_the_stream_with_a_reset()
    {
        await using var before = await ServiceHost.StartAsync(cancellationToken: TestContext.Current.CancellationToken);
        string oldId;
        ApiOrder created;
        using (var client = before.CreateClient())
        await using (var stream = await SseReader.ConnectAsync(before))
        {
            created = await new OrdersApiClient(client).CreateAsync("survives the restart", cancellationToken: TestContext.Current.CancellationToken);
            oldId = (await stream.ReadEventAsync()).Id!;
        }

        await before.StopAsync(TestContext.Current.CancellationToken);
        await using var after = await ServiceHost.StartAsync(databasePath: before.DatabasePath, cancellationToken: TestContext.Current.CancellationToken);
        using var afterClient = after.CreateClient();

        using var stored = await afterClient.GetAsync($"{OrdersApiClient.OrdersPath}/{created.Id}", TestContext.Current.CancellationToken);
        stored.StatusCode.ShouldBe(HttpStatusCode.OK, "the restarted service uses the same database");

        await using var resumed = await SseReader.ConnectAsync(after, lastEventIdHeader: oldId);
        var reset = await resumed.ReadEventAsync();
        reset.EventType.ShouldBe("reset", resumed.Transcript);
        var data = JsonNode.Parse(reset.Data!)!;
        data["reason"]!.GetValue<string>().ShouldBe("history-gap", reset.Data);
        data["lastEventId"]!.GetValue<string>().ShouldBe(oldId, reset.Data);

        // At or before the client's last event (its log's start), less the five-minute margin for clocks.
        var changedSince = data["changedSince"]!.GetValue<DateTimeOffset>();
        changedSince.ShouldBeLessThan(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5), reset.Data);
        changedSince.ShouldBeGreaterThan(DateTimeOffset.UtcNow - TimeSpan.FromMinutes(10), reset.Data);
    }
}
