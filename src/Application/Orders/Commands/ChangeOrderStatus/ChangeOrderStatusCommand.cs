using CleanSse.Application.Common.Security;
using Mediator;

namespace CleanSse.Application.Orders.Commands.ChangeOrderStatus;

/// <param name="Id">The order.</param>
/// <param name="Status">The wire name of the status to move to.</param>
/// <param name="ExpectedVersions">
/// The precondition (<c>If-Match</c>): the change applies only while the order is at one of these versions; none may
/// match when empty. Null when the request sets no precondition.
/// </param>
[Authorize]
public sealed record ChangeOrderStatusCommand(string Id, string? Status, IReadOnlyCollection<long>? ExpectedVersions = null)
    : ICommand<VersionedOrderDto>;
