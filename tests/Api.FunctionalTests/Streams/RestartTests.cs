using System.Net;
using System.Text.Json.Nodes;
using CleanSse.Api.FunctionalTests.Support;

namespace CleanSse.Api.FunctionalTests.Streams;

/// <summary>A restarted service keeps its orders but not its event history: an old id is from another log.</summary>
public sealed class RestartTests
{
    [Fact]
    public async Task An_id_of_the_previous_process_starts_the_stream_with_a_reset()
    {
        await using var before = ServiceHost.Start();
        string oldId;
        CreatedOrder created;
        using (var client = before.CreateClient())
        await using (var stream = await SseReader.ConnectAsync(before.BaseAddress))
        {
            created = await OrdersClient.CreateAsync(client, "survives the restart");
            oldId = (await stream.ReadEventAsync()).Id!;
        }

        await before.StopAsync(TestContext.Current.CancellationToken);
        await using var after = ServiceHost.Start(databasePath: before.DatabasePath);
        using var afterClient = after.CreateClient();

        using var stored = await afterClient.GetAsync($"{OrdersClient.OrdersPath}/{created.Id}", TestContext.Current.CancellationToken);
        stored.StatusCode.ShouldBe(HttpStatusCode.OK, "the restarted service uses the same database");

        await using var resumed = await SseReader.ConnectAsync(after.BaseAddress, lastEventIdHeader: oldId);
        var reset = await resumed.ReadEventAsync();
        reset.EventType.ShouldBe("reset", resumed.Transcript);
        var expected = new JsonObject { ["reason"] = "history-gap", ["lastEventId"] = oldId };
        JsonNode.DeepEquals(JsonNode.Parse(reset.Data!), expected).ShouldBeTrue(reset.Data);
    }
}
