using CleanSse.Application.Common.Behaviours;
using CleanSse.Application.Common.Security;
using CleanSse.Application.Orders.Queries.GetOrderById;
using CleanSse.Application.UnitTests.TestKit;
using Mediator;

namespace CleanSse.Application.UnitTests.Common.Behaviours;

public sealed class AuthorizationBehaviourTests
{
    [Fact]
    public async Task A_marked_request_without_a_signed_in_user_is_refused_before_its_handler()
    {
        var behaviour = new AuthorizationBehaviour<GetOrderByIdQuery, string>(FakeCurrentUser.Anonymous);
        var handled = false;

        await Should.ThrowAsync<UnauthorizedAccessException>(() => behaviour.Handle(
            new GetOrderByIdQuery("x"),
            (_, _) => { handled = true; return ValueTask.FromResult("ok"); },
            TestContext.Current.CancellationToken).AsTask());

        handled.ShouldBeFalse();
    }

    [Fact]
    public async Task A_marked_request_of_a_signed_in_user_goes_on()
    {
        var behaviour = new AuthorizationBehaviour<GetOrderByIdQuery, string>(FakeCurrentUser.Customer);

        var answer = await behaviour.Handle(new GetOrderByIdQuery("x"), (_, _) => ValueTask.FromResult("ok"), TestContext.Current.CancellationToken);

        answer.ShouldBe("ok");
    }

    [Fact]
    public async Task A_request_for_staff_is_forbidden_to_a_customer_and_allowed_to_staff()
    {
        await Should.ThrowAsync<ForbiddenAccessException>(() => new AuthorizationBehaviour<StaffOnlyQuery, string>(FakeCurrentUser.Customer)
            .Handle(new StaffOnlyQuery(), (_, _) => ValueTask.FromResult("ok"), TestContext.Current.CancellationToken).AsTask());

        var answer = await new AuthorizationBehaviour<StaffOnlyQuery, string>(FakeCurrentUser.Staff)
            .Handle(new StaffOnlyQuery(), (_, _) => ValueTask.FromResult("ok"), TestContext.Current.CancellationToken);
        answer.ShouldBe("ok");
    }

    [Fact]
    public async Task An_unmarked_request_needs_no_user()
    {
        var answer = await new AuthorizationBehaviour<OpenQuery, string>(FakeCurrentUser.Anonymous)
            .Handle(new OpenQuery(), (_, _) => ValueTask.FromResult("ok"), TestContext.Current.CancellationToken);

        answer.ShouldBe("ok");
    }

    [Authorize(Roles = Roles.Staff)]
    public sealed record StaffOnlyQuery : IQuery<string>;

    public sealed record OpenQuery : IQuery<string>;
}
