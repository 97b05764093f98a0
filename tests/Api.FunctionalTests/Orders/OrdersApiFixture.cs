using CleanSse.Api.FunctionalTests.Support;

namespace CleanSse.Api.FunctionalTests.Orders;

public sealed class OrdersApiFixture : HostFixture;
