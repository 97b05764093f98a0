using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(CleanSse.Bench.ClientParser.ParseBody).Assembly).Run(args);
