using Mediator;

namespace CleanSse.Application.Identity.Commands.AddStaffMember;

/// <summary>Creates a staff account, or resets an existing account's password and makes it staff.</summary>
public sealed record AddStaffMemberCommand(string Email, string Password) : ICommand;
