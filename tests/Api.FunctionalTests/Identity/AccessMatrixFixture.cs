using CleanSse.TestKit;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace CleanSse.Api.FunctionalTests.Identity;

/// <summary>Who calls in the access matrix.</summary>
public enum Caller
{
    Anonymous,
    CustomerA,
    CustomerB,
    Staff,
}

/// <summary>A signed-in user of the matrix: their id in the user store and a bearer token.</summary>
public sealed record SignedInUser(TestUser User, string UserId, string AccessToken);

/// <summary>One service with two self-registered customers and the kit's staff member, each signed in with a token.</summary>
public sealed class AccessMatrixFixture : IAsyncLifetime
{
    private ServiceHost? _host;
    private SignedInUser? _customerA;
    private SignedInUser? _customerB;
    private SignedInUser? _staff;

    public ServiceHost Host => _host ?? throw new InvalidOperationException("The fixture has not started yet.");

    public SignedInUser CustomerA => _customerA ?? throw new InvalidOperationException("The fixture has not started yet.");

    public SignedInUser CustomerB => _customerB ?? throw new InvalidOperationException("The fixture has not started yet.");

    public SignedInUser Staff => _staff ?? throw new InvalidOperationException("The fixture has not started yet.");

    public SignedInUser User(Caller caller) => caller switch
    {
        Caller.CustomerA => CustomerA,
        Caller.CustomerB => CustomerB,
        Caller.Staff => Staff,
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, "An anonymous caller has no user."),
    };

    /// <summary>A client carrying <paramref name="caller"/>'s token, or no credentials at all.</summary>
    public HttpClient ClientFor(Caller caller) =>
        caller == Caller.Anonymous ? Host.Clients.CreateAnonymous() : Host.Clients.CreateFor(User(caller).AccessToken);

    public async ValueTask InitializeAsync()
    {
        _host = await ServiceHost.StartAsync();
        _customerA = await RegisterAsync(TestUsers.NewCustomer("a"));
        _customerB = await RegisterAsync(TestUsers.NewCustomer("b"));
        _staff = await SignInAsync(TestUsers.Staff);
    }

    /// <summary>Registers <paramref name="user"/> through <c>POST /api/auth/register</c> and signs them in.</summary>
    public async Task<SignedInUser> RegisterAsync(TestUser user)
    {
        await Host.Clients.RegisterAsync(user);
        return await SignInAsync(user);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }

    private async Task<SignedInUser> SignInAsync(TestUser user)
    {
        var token = await Host.Clients.LoginAsync(user);
        await using var scope = Host.Services.CreateAsyncScope();
        var account = await scope.ServiceProvider.GetRequiredService<UserManager<IdentityUser>>().FindByEmailAsync(user.Email)
            ?? throw new InvalidOperationException($"{user.Email} is not in the user store.");
        return new SignedInUser(user, account.Id, token);
    }
}
