using CleanSse.EndToEnd.Tests.TestKit;
using CleanSse.TestKit;
using Xunit.Sdk;
using Xunit.v3;

// One browser for the run; the tests run one at a time, each with its own service process(es), so timings hold on a
// small machine and no test's restart disturbs another's stream.
[assembly: AssemblyFixture(typeof(BrowserFixture))]
[assembly: Parallelization(Mode = ParallelMode.None)]
