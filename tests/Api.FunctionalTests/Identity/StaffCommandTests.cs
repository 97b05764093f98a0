using System.Diagnostics;
using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Identity;

/// <summary>
/// <c>staff add &lt;email&gt;</c> as an operator runs it: the built service assembly as a process of its own, the
/// password on standard input, against a SQLite file that a service then opens.
/// </summary>
public sealed class StaffCommandTests : IAsyncLifetime
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("cleansse-staff-");

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private string DatabaseFile => Path.Combine(_folder.FullName, "orders.db");

    [Fact]
    public async Task Staff_add_creates_a_staff_member_that_a_service_on_the_same_database_signs_in()
    {
        var member = new TestUser($"ops-{Guid.NewGuid():N}@cleansse.test", "Ops-member-pass-1");

        var (exitCode, output, error) = await RunAsync(["staff", "add", member.Email], member.Password);

        exitCode.ShouldBe(0, error);
        output.ShouldContain($"{member.Email} is staff.");
        output.ShouldNotContain(member.Password);
        error.ShouldNotContain(member.Password);

        await using var service = await ServiceProcess.LaunchAsync("after-staff-add", ServiceProcess.WithSqlite(DatabaseFile), Cancellation);
        var customer = TestUsers.NewCustomer();
        await service.Clients.RegisterAsync(customer, Cancellation);
        using var asCustomer = service.Clients.CreateFor(await service.Clients.LoginAsync(customer, Cancellation));
        var order = await new OrdersApiClient(asCustomer).CreateAsync("Customer", cancellationToken: Cancellation);

        using var asMember = service.Clients.CreateFor(await service.Clients.LoginAsync(member, Cancellation));
        var paid = await new OrdersApiClient(asMember).ChangeStatusAsync(order.Id, "paid", Cancellation);

        paid.Status.ShouldBe("paid", "the added member is staff: they see the customer's order and may pay it");
    }

    [Fact]
    public async Task Staff_add_refuses_a_weak_password_with_exit_code_1_and_the_store_s_reasons()
    {
        var email = $"weak-{Guid.NewGuid():N}@cleansse.test";

        var (exitCode, output, error) = await RunAsync(["staff", "add", email], "weak");

        exitCode.ShouldBe(1, output + error);
        error.ShouldContain("Passwords must be at least");
        output.ShouldNotContain("is staff");

        await using var service = await ServiceProcess.LaunchAsync("after-refusal", ServiceProcess.WithSqlite(DatabaseFile), Cancellation);
        await Should.ThrowAsync<InvalidOperationException>(() => service.Clients.LoginAsync(new TestUser(email, "weak"), Cancellation));
    }

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public ValueTask DisposeAsync()
    {
        try
        {
            _folder.Delete(recursive: true);
        }
        catch (IOException)
        {
            // Best effort: it is a temporary folder.
        }

        return ValueTask.CompletedTask;
    }

    private async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] arguments, string standardInput)
    {
        var dll = RepoPaths.ApiAssembly();
        var folder = Path.GetDirectoryName(dll)!;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The command's words come first, as an operator types them; the working directory is the content root.
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var key in start.Environment.Keys.Where(key => key.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)
            || key.StartsWith("Auth__", StringComparison.OrdinalIgnoreCase) || key.StartsWith("Database__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(key);
        }

        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["ConnectionStrings__Orders"] = $"Data Source={DatabaseFile}";
        start.Environment["Database__Provider"] = "Sqlite";

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The service assembly did not start.");
        var output = process.StandardOutput.ReadToEndAsync(Cancellation);
        var error = process.StandardError.ReadToEndAsync(Cancellation);
        await process.StandardInput.WriteLineAsync(standardInput);
        process.StandardInput.Close();

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await error);
    }
}
