using CleanSse.TestKit;
using static CleanSse.TestKit.PrivateStreamTraffic;

namespace CleanSse.ScaleOut.Tests;

/// <summary>
/// Private streams on two instances sharing Redis: each customer's stream carries only its own events, whichever
/// instance published them, and still does after its instance is killed and it resumes on the other.
/// </summary>
public sealed class PrivateStreamScaleOutTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Customers_of_a_killed_instance_resume_on_the_other_with_only_their_own_events_once_and_in_order()
    {
        await using var redis = await RedisTestKeys.CreateAsync();
        await using var database = await TestDatabase.CreateAsync(Token);
        var environment = ScaleOutSettings.EnvironmentFor(redis, database);
        var (first, second) = await ServiceProcess.LaunchPairAsync(environment, Token);
        await using var a = first;
        await using var b = second;
        Progress.Note($"instances A {a.BaseAddress} and B {b.BaseAddress} are up");

        // Staff watch from B; both customers stream from A (B when A fails) and place their orders on A.
        await using var staff = await EventSourceRecorder.ConnectAsync(b, Token);
        var (aliceOnA, aliceFirst) = await StreamCustomer.RegisterAsync(a, "alice", Token);
        var (bobOnA, bobFirst) = await StreamCustomer.RegisterAsync(a, "bob", Token);
        using var _ = aliceOnA;
        using var __ = bobOnA;
        await staff.WaitForNewOrdersAsync([aliceFirst.Id, bobFirst.Id], Token);
        var before = OrderEvents(staff.Events).Count;
        await using var aliceStream = EventSourceRecorder.Start([a, b], accessToken: aliceOnA.AccessToken);
        await using var bobStream = EventSourceRecorder.Start([a, b], accessToken: bobOnA.AccessToken);
        await aliceStream.WaitForConnectionsAsync(1, Token);
        await bobStream.WaitForConnectionsAsync(1, Token);

        // Staff act on B: every customer's stream on A sees B's events through Redis.
        var published = await RunAsync(b.Orders, [aliceOnA, bobOnA], 45, afterStep: null, Token);
        await ShouldBeIsolatedAsync(staff, before, published, [(aliceOnA, aliceStream), (bobOnA, bobStream)], Token);
        Progress.Note($"{published} events delivered privately through A");

        // SIGKILL A while both streams are open; they reconnect to B only once more events were published meanwhile.
        aliceStream.PauseReconnects();
        bobStream.PauseReconnects();
        await a.KillAsync();
        await aliceStream.WaitForDisconnectsAsync(1, Token);
        await bobStream.WaitForDisconnectsAsync(1, Token);
        using var aliceOnB = aliceOnA.On(b);
        using var bobOnB = bobOnA.On(b);
        published += await RunAsync(b.Orders, [aliceOnB, bobOnB], 30, afterStep: null, Token);
        aliceStream.ResumeReconnects();
        bobStream.ResumeReconnects();
        await aliceStream.WaitForConnectionsAsync(2, Token);
        await bobStream.WaitForConnectionsAsync(2, Token);
        Progress.Note("A is killed; both customers resumed on B");
        published += await RunAsync(b.Orders, [aliceOnB, bobOnB], 15, afterStep: null, Token);

        await ShouldBeIsolatedAsync(staff, before, published, [(aliceOnB, aliceStream), (bobOnB, bobStream)], Token);
        foreach (var stream in new[] { aliceStream, bobStream })
        {
            stream.Resets.ShouldBeEmpty(stream.Describe());
            stream.Events.Where(received => received.Connection == 2).ShouldAllBe(received => received.Server == b.BaseAddress);
            stream.Events.ShouldContain(received => received.Connection == 2);
        }
    }
}
