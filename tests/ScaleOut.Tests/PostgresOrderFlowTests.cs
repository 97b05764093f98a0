using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CleanSse.ScaleOut.Tests.TestKit;
using CleanSse.TestKit;

namespace CleanSse.ScaleOut.Tests;

/// <summary>The whole order flow on PostgreSQL, from a database the service has never seen.</summary>
public sealed class PostgresOrderFlowTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Orders_are_created_listed_read_and_moved_on_a_freshly_migrated_PostgreSQL_database()
    {
        await using var database = await TestDatabase.CreateAsync(Token);
        (await database.ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'", Token)).ShouldBe(0);

        var settings = new Dictionary<string, string?>(ServiceHost.Quiet)
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Orders"] = database.ConnectionString,
        };
        await using var host = await ServiceHost.StartAsync(settings, cancellationToken: Token);

        // The PostgreSQL migrations, not SQLite's, built the schema.
        var migrations = await database.ScalarAsync<string>("""SELECT string_agg("MigrationId", ',' ORDER BY "MigrationId") FROM "__EFMigrationsHistory" """, Token);
        migrations.ShouldBe("20261124043548_InitialCreate,20261202053147_GenericOutbox,20261202062633_AddIdentity,20261202075015_AddOrderVersionUpdatedAtAndIdempotencyKeys,20261202075730_OutboxLogPosition,20261202082301_AddOutboxTraceParent");
        (await database.ScalarAsync<string>(
            """SELECT data_type FROM information_schema.columns WHERE table_name = 'OutboxMessages' AND column_name = 'EventId'""", Token))
            .ShouldBe("uuid");
        (await database.ScalarAsync<string>(
            """SELECT data_type FROM information_schema.columns WHERE table_name = 'Orders' AND column_name = 'Lines'""", Token))
            .ShouldBe("jsonb");

        var created = new List<ApiOrder>();
        foreach (var customer in new[] { "Ada", "Grace", "Edsger" })
        {
            created.Add(await host.Orders.CreateAsync(OrdersApiClient.NewOrder(customer, lines: [new("BOOK-1", 2, 12.5m), new("PEN-7", 1, 0.99m)]), Token));
        }

        created[0].Total.ShouldBe(25.99m);
        created[0].Status.ShouldBe("new");

        using (var response = await host.Orders.PostAsync(OrdersApiClient.NewOrder(), Token))
        {
            response.Headers.Location.ShouldNotBeNull();
            var located = await host.Orders.GetAtAsync(response.Headers.Location, Token);
            located.ShouldNotBeNull();
            created.Add(located);
        }

        (await host.Orders.ListAsync(Token)).Select(order => order.Id).ShouldBe(created.Select(order => order.Id).Reverse());

        using (var response = await host.Orders.GetAsync(created[1].Id, Token))
        {
            await OrdersApiClient.ShouldHaveStatusAsync(response, HttpStatusCode.OK, Token);
            var read = await OrdersApiClient.ReadAsync(response, HttpStatusCode.OK, Token);
            read.ShouldBe(created[1]);
        }

        using (var response = await host.Orders.GetAsync("0123456789abcdef0123456789abcdef", Token))
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }

        (await host.Orders.ChangeStatusAsync(created[0].Id, "paid", Token)).Status.ShouldBe("paid");
        (await host.Orders.ChangeStatusAsync(created[0].Id, "shipped", Token)).Status.ShouldBe("shipped");
        (await host.Orders.ChangeStatusAsync(created[1].Id, "cancelled", Token)).Status.ShouldBe("cancelled");

        using (var response = await host.Orders.PatchStatusAsync(created[0].Id, "paid", Token))
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        }

        using (var response = await host.Orders.PatchStatusAsync(created[1].Id, "paid", Token))
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.Conflict);
        }

        using (var response = await host.Orders.PatchStatusAsync("0123456789abcdef0123456789abcdef", "paid", Token))
        {
            await response.ShouldBeProblemAsync(HttpStatusCode.NotFound);
        }

        var stored = (await host.Orders.ListAsync(Token)).ToDictionary(order => order.Id, order => order.Status);
        stored[created[0].Id].ShouldBe("shipped");
        stored[created[1].Id].ShouldBe("cancelled");
        stored[created[2].Id].ShouldBe("new");
        (await database.ScalarAsync<string>("""SELECT "Status" FROM "Orders" WHERE "Id" = @id""", Token, ("id", created[0].Id)))
            .ShouldBe("Shipped");

        // Every change was staged in the outbox with its order, and published (marked just after its request answered).
        await Eventually.HoldsAsync(
            async () => await database.ScalarAsync<long>("""SELECT count(*) FROM "OutboxMessages" WHERE "DispatchedAt" IS NULL""", Token) == 0,
            "every outbox row is marked published",
            cancellationToken: Token);
        (await database.ScalarAsync<long>("""SELECT count(*) FROM "OutboxMessages" """, Token)).ShouldBe(4 + 3);
    }
}
