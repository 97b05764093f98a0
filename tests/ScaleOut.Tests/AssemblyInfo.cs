// The suites start real servers (Kestrel hosts, processes, a private Redis) and the host factory resolves the
// application's host through process-wide diagnostics, so tests run one at a time; it also keeps the load modest.
[assembly: Xunit.v3.Parallelization(Mode = Xunit.Sdk.ParallelMode.None)]
