using CleanSse.Chaos;

ChaosOptions options;
try
{
    options = ChaosOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or FormatException)
{
    Console.Error.WriteLine(exception.Message);
    Console.Error.WriteLine(ChaosOptions.Usage);
    return 2;
}

if (RedisServer.Find() is null)
{
    Console.Error.WriteLine("redis-server is not on PATH; the chaos run starts its own.");
    return 2;
}

using var interrupted = new CancellationTokenSource();
Console.CancelKeyPress += (_, cancel) =>
{
    cancel.Cancel = true;
    interrupted.Cancel();
};

var report = await ChaosRun.RunAsync(options, Console.Out, interrupted.Token);
Console.WriteLine(report);
return report.Passed ? 0 : 1;
