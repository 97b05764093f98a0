using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.OpenApi;

public sealed class OpenApiFixture : ServiceHostFixture;
