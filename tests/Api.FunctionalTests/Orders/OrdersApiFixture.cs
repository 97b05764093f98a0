using CleanSse.TestKit;

namespace CleanSse.Api.FunctionalTests.Orders;

public sealed class OrdersApiFixture : ServiceHostFixture;
