using CleanSse.Application.Common.Behaviours;
using CleanSse.Application.Orders.Queries.GetOrders;
using FluentValidation;

namespace CleanSse.Application.UnitTests.Common.Behaviours;

public sealed class ValidationBehaviourTests
{
    private static readonly OrdersListDto HandlerResponse = new([], null);

    private int _nextCalls;

    [Fact]
    public async Task A_failing_validator_throws_a_validation_exception_and_the_handler_is_never_called()
    {
        var behaviour = Behaviour(new GetOrdersQueryValidator());

        var exception = await Should.ThrowAsync<ValidationException>(
            () => behaviour.Handle(new GetOrdersQuery(0), Next, TestContext.Current.CancellationToken).AsTask());

        exception.Errors.ShouldHaveSingleItem().PropertyName.ShouldBe(nameof(GetOrdersQuery.Limit));
        _nextCalls.ShouldBe(0);
    }

    [Fact]
    public async Task A_passing_validator_lets_the_message_through_to_the_handler_once()
    {
        var behaviour = Behaviour(new GetOrdersQueryValidator());

        var response = await behaviour.Handle(new GetOrdersQuery(10), Next, TestContext.Current.CancellationToken);

        response.ShouldBeSameAs(HandlerResponse);
        _nextCalls.ShouldBe(1);
    }

    [Fact]
    public async Task Without_validators_the_message_goes_straight_to_the_handler()
    {
        var behaviour = Behaviour();

        var response = await behaviour.Handle(new GetOrdersQuery(0), Next, TestContext.Current.CancellationToken);

        response.ShouldBeSameAs(HandlerResponse);
        _nextCalls.ShouldBe(1);
    }

    [Fact]
    public async Task The_failures_of_every_validator_are_reported_together()
    {
        var second = new InlineValidator<GetOrdersQuery>();
        second.RuleFor(query => query.Limit).Must(limit => limit % 2 == 1).WithMessage("odd limits only");
        var behaviour = Behaviour(new GetOrdersQueryValidator(), second);

        var exception = await Should.ThrowAsync<ValidationException>(
            () => behaviour.Handle(new GetOrdersQuery(0), Next, TestContext.Current.CancellationToken).AsTask());

        exception.Errors.Count().ShouldBe(2);
        exception.Errors.ShouldContain(failure => failure.ErrorMessage == "odd limits only");
        _nextCalls.ShouldBe(0);
    }

    [Fact]
    public async Task One_failing_validator_among_passing_ones_is_enough_to_stop_the_message()
    {
        var failing = new InlineValidator<GetOrdersQuery>();
        failing.RuleFor(query => query.Limit).Must(_ => false).WithMessage("never");
        var behaviour = Behaviour(new GetOrdersQueryValidator(), failing);

        var exception = await Should.ThrowAsync<ValidationException>(
            () => behaviour.Handle(new GetOrdersQuery(10), Next, TestContext.Current.CancellationToken).AsTask());

        exception.Errors.ShouldHaveSingleItem().ErrorMessage.ShouldBe("never");
        _nextCalls.ShouldBe(0);
    }

    [Fact]
    public async Task A_validator_with_an_asynchronous_rule_is_still_run_and_its_failures_reported()
    {
        // Validators run synchronously where they can; one that cannot must not be skipped or fail the request.
        var asynchronous = new InlineValidator<GetOrdersQuery>();
        asynchronous.RuleFor(query => query.Limit).MustAsync(async (limit, token) =>
        {
            await Task.Yield();
            return limit != 10;
        }).WithMessage("not ten, checked asynchronously");
        var behaviour = Behaviour(new GetOrdersQueryValidator(), asynchronous);

        var exception = await Should.ThrowAsync<ValidationException>(
            () => behaviour.Handle(new GetOrdersQuery(10), Next, TestContext.Current.CancellationToken).AsTask());
        exception.Errors.ShouldHaveSingleItem().ErrorMessage.ShouldBe("not ten, checked asynchronously");
        _nextCalls.ShouldBe(0);

        (await behaviour.Handle(new GetOrdersQuery(11), Next, TestContext.Current.CancellationToken)).ShouldBeSameAs(HandlerResponse);
        _nextCalls.ShouldBe(1);
    }

    private static ValidationBehaviour<GetOrdersQuery, OrdersListDto> Behaviour(params IValidator<GetOrdersQuery>[] validators) =>
        new(validators);

    private ValueTask<OrdersListDto> Next(GetOrdersQuery message, CancellationToken cancellationToken)
    {
        _nextCalls++;
        return ValueTask.FromResult(HandlerResponse);
    }
}
