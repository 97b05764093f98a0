namespace CleanSse.TestKit;

/// <summary>A service a test talks to, however it runs: in the test process or as a process of its own.</summary>
public interface IRunningService
{
    Uri BaseAddress { get; }

    /// <summary>Where every client of this service comes from; see <see cref="ServiceClients.Authorize"/>.</summary>
    ServiceClients Clients { get; }

    /// <summary>A client this service owns, for plain requests; disposed with the service.</summary>
    HttpClient Http { get; }

    /// <summary>The orders routes, on <see cref="Http"/>.</summary>
    OrdersApiClient Orders { get; }
}
