using System.Runtime.InteropServices;
using CleanSse.Tail;

using var stop = new CancellationTokenSource();
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);

await using var stdout = Console.OpenStandardOutput();
return await TailCommand.RunAsync(args, stdout, Console.Error, TailConsole.Current(!Console.IsOutputRedirected), stop.Token);

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stop.Cancel();
}
