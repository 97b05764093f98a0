using System.CommandLine;
using System.Text;
using CleanSse.Application.Identity.Commands.AddStaffMember;
using FluentValidation;
using Mediator;

namespace CleanSse.Api.CommandLine;

/// <summary>
/// <c>staff add &lt;email&gt;</c>: creates a staff account (or resets one's password), with the password read from
/// standard input so that it never shows in a process list or a shell history. Staff never come from self-registration.
/// </summary>
public static class StaffCommandLine
{
    public static bool Handles(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Count > 0 && args[0] == "staff";
    }

    public static Task<int> RunAsync(IServiceProvider services, string[] args, TextReader input, TextWriter output, TextWriter error)
    {
        var email = new Argument<string>("email") { Description = "The staff member's email address; it is also their user name." };
        var add = new Command("add", "Create a staff account, or reset its password; the password is read from standard input.") { email };
        add.SetAction(async (parseResult, cancellationToken) =>
        {
            var address = parseResult.GetValue(email)!;
            if (!Console.IsInputRedirected)
            {
                await error.WriteAsync($"Password for {address}: ");
            }

            var password = ReadPassword(input);
            try
            {
                await using var scope = services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<ISender>().Send(new AddStaffMemberCommand(address, password), cancellationToken);
            }
            catch (ValidationException refused)
            {
                foreach (var failure in refused.Errors)
                {
                    await error.WriteLineAsync(failure.ErrorMessage);
                }

                return 1;
            }

            await output.WriteLineAsync($"{address} is staff.");
            return 0;
        });

        var staff = new RootCommand("Manage staff accounts of the orders database the configuration names.") { add };
        return staff.Parse(args.Skip(1).ToArray()).InvokeAsync();
    }

    private static string ReadPassword(TextReader input)
    {
        if (Console.IsInputRedirected || !ReferenceEquals(input, Console.In))
        {
            return input.ReadLine() ?? string.Empty;
        }

        // Typed at a terminal: read without echo.
        var password = new StringBuilder();
        for (var key = Console.ReadKey(intercept: true); key.Key != ConsoleKey.Enter; key = Console.ReadKey(intercept: true))
        {
            if (key.Key == ConsoleKey.Backspace)
            {
                password.Length = Math.Max(0, password.Length - 1);
            }
            else if (!char.IsControl(key.KeyChar))
            {
                password.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return password.ToString();
    }
}
