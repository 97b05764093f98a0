using System.Net;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Input;

/// <summary>
/// <c>GET /api/events</c> serves only <c>text/event-stream</c>: a request whose <c>Accept</c> excludes it, by naming
/// only other types or by giving it a quality of 0, gets 406 problem details instead of a stream.
/// </summary>
public sealed class EventStreamAcceptTests(InputFixture fixture) : IClassFixture<InputFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("application/json")]
    [InlineData("text/event-stream;q=0")]
    [InlineData("text/event-stream; q=0.0, application/json")]
    [InlineData("text/html, application/xhtml+xml")]
    [InlineData("text/*;q=0")]
    [InlineData("*/*;q=0")]
    [InlineData("text/event-stream;q=0, */*")]
    [InlineData("text/event-stream;q=0, text/*;q=1")]
    public async Task A_request_whose_accept_excludes_the_stream_gets_406(string accept)
    {
        using var client = StreamClient();
        using var response = await OpenAsync(client, accept);

        // The status first: a stream, wrongly served, would never end for the body to be read.
        response.StatusCode.ShouldBe(HttpStatusCode.NotAcceptable);
        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.NotAcceptable);
        problem.GetProperty("detail").GetString().ShouldNotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text/event-stream")]
    [InlineData("*/*")]
    [InlineData("text/*")]
    [InlineData("application/json, text/event-stream;q=0.5")]
    [InlineData("application/json;q=0.9, */*;q=0.1")]
    [InlineData("TEXT/EVENT-STREAM")]
    [InlineData("text/event-stream;q=0, text/event-stream")]
    public async Task A_request_that_accepts_the_stream_gets_it(string? accept)
    {
        using var client = StreamClient();
        using var response = await OpenAsync(client, accept);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("text/event-stream");
    }

    private HttpClient StreamClient() =>
        fixture.Host.Clients.Create(new SocketsHttpHandler { MaxResponseDrainSize = 0, PooledConnectionLifetime = TimeSpan.Zero }, Timeout.InfiniteTimeSpan);

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string? accept)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, SseReader.EventsPath);
        if (accept is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept", accept).ShouldBeTrue();
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
    }
}
