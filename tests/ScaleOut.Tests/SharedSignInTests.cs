using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests;

/// <summary>
/// Two instances as processes that share only Redis (each has a SQLite file of its own): the data-protection keys in
/// Redis are what lets a token or a cookie issued by one be accepted by the other.
/// </summary>
public sealed class SharedSignInTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_token_and_a_cookie_issued_by_one_instance_sign_in_on_the_other()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("cleansse-shared-keys-");
        try
        {
            await using var a = await ServiceProcess.LaunchAsync("keys-a", Environment(redis, Path.Combine(folder.FullName, "a.db")), Token);
            await using var b = await ServiceProcess.LaunchAsync("keys-b", Environment(redis, Path.Combine(folder.FullName, "b.db")), Token);
            (await redis.Database.ListLengthAsync($"{redis.Prefix}:data-protection-keys")).ShouldBeGreaterThan(0, "the key ring is in Redis");

            // The customer exists only in A's database; B knows them by the token alone.
            var customer = TestUsers.NewCustomer();
            await a.Clients.RegisterAsync(customer, Token);
            var token = await a.Clients.LoginAsync(customer, Token);

            string customerId;
            using (var onB = b.Clients.CreateFor(token))
            {
                using var list = await onB.GetAsync(new Uri("/api/orders", UriKind.Relative), Token);
                await OrdersApiClient.ShouldHaveStatusAsync(list, HttpStatusCode.OK, Token);

                var created = await new OrdersApiClient(onB).CreateAsync("Carried over", cancellationToken: Token);
                customerId = CustomerIdOf(created);
                customerId.ShouldNotBeNullOrEmpty();
                using var onA = a.Clients.CreateFor(token);
                var createdOnA = await new OrdersApiClient(onA).CreateAsync("At home", cancellationToken: Token);
                CustomerIdOf(createdOnA).ShouldBe(customerId, "B knows the customer by the id in A's token");
            }

            // The kit's staff token from A is staff on B too: the role travels in the token.
            using (var staffFromA = b.Clients.CreateFor(a.Clients.AccessToken!))
            {
                var order = await b.Orders.CreateAsync("Shared", cancellationToken: Token);
                await new OrdersApiClient(staffFromA).ChangeStatusAsync(order.Id, "paid", Token);
            }

            var cookie = await LoginWithCookieAsync(a, customer);
            using var anonymous = b.Clients.CreateAnonymous();
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/orders");
            request.Headers.Add("Cookie", cookie);
            using var withCookie = await anonymous.SendAsync(request, Token);
            var listed = await OrdersApiClient.ShouldHaveStatusAsync(withCookie, HttpStatusCode.OK, Token);
            using var document = JsonDocument.Parse(listed);
            document.RootElement.GetProperty("orders").EnumerateArray()
                .Select(order => order.GetProperty("customerId").GetString())
                .ShouldBe([customerId], "the cookie signs the customer in on B, who sees only the order they placed there");
        }
        finally
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temporary folder.
            }
        }
    }

    [Fact]
    public async Task An_instance_with_another_key_ring_refuses_the_token()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        var folder = Directory.CreateTempSubdirectory("cleansse-other-keys-");
        try
        {
            await using var a = await ServiceProcess.LaunchAsync("keys-a", Environment(redis, Path.Combine(folder.FullName, "a.db")), Token);
            var otherKeys = Environment(redis, Path.Combine(folder.FullName, "c.db"));
            otherKeys["Realtime__KeyPrefix"] = redis.AddPrefix();
            await using var c = await ServiceProcess.LaunchAsync("keys-c", otherKeys, Token);

            using var onC = c.Clients.CreateFor(a.Clients.AccessToken!);
            using var response = await onC.GetAsync(new Uri("/api/orders", UriKind.Relative), Token);

            await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        }
        finally
        {
            try
            {
                folder.Delete(recursive: true);
            }
            catch (IOException)
            {
                // Best effort: it is a temporary folder.
            }
        }
    }

    private static string CustomerIdOf(ApiOrder order)
    {
        using var document = JsonDocument.Parse(order.Json);
        return document.RootElement.GetProperty("customerId").GetString()!;
    }

    private static Dictionary<string, string> Environment(RedisTestKeys redis, string databaseFile)
    {
        var environment = ServiceProcess.WithSqlite(databaseFile);
        environment["ConnectionStrings__Redis"] = redis.ConnectionString;
        environment["Realtime__KeyPrefix"] = redis.Prefix;
        return environment;
    }

    /// <summary>The <c>Cookie</c> header value a browser would send after signing in on <paramref name="service"/>.</summary>
    private static async Task<string> LoginWithCookieAsync(ServiceProcess service, TestUser user)
    {
        using var anonymous = service.Clients.CreateAnonymous();
        using var response = await anonymous.PostAsJsonAsync(
            "/api/auth/login?useCookies=true", new { email = user.Email, password = user.Password }, Token);
        await OrdersApiClient.ShouldHaveStatusAsync(response, HttpStatusCode.OK, Token);
        response.Headers.TryGetValues("Set-Cookie", out var cookies).ShouldBeTrue("login with useCookies sets the cookie");
        return string.Join("; ", cookies!.Select(cookie => cookie.Split(';', 2)[0]));
    }
}
