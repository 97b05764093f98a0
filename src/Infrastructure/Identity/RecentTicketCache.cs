using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Authentication;

namespace CleanSse.Infrastructure.Identity;

/// <summary>
/// Reads bearer tokens, remembering the ones read in the last minute. A client sends the same token with every
/// request, and unprotecting it each time derives a key, checks a MAC and decrypts (about a sixth of a GET's CPU).
/// Only tokens that were read successfully are remembered, at most <see cref="Capacity"/> of them and never past their
/// expiry; each request gets its own copy of the ticket, so none sees what another one changed. The price: a key
/// revoked from the key ring stops its tokens up to <see cref="Lifetime"/> later.
/// </summary>
internal sealed class RecentTicketCache(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider clock)
    : ISecureDataFormat<AuthenticationTicket>
{
    public const int Capacity = 4096;

    private const string BearerPrefix = "Bearer ";

    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, Remembered> _tickets = new(StringComparer.Ordinal);

    public string Protect(AuthenticationTicket data) => inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, purpose: null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null)
        {
            return inner.Unprotect(protectedText, purpose);
        }

        var now = clock.GetUtcNow();
        if (_tickets.TryGetValue(protectedText, out var remembered) && now < remembered.Until)
        {
            return remembered.Ticket.Clone();
        }

        var ticket = inner.Unprotect(protectedText);
        if (ticket is null)
        {
            _tickets.TryRemove(protectedText, out _);
            return null;
        }

        var until = now + Lifetime;
        if (ticket.Properties.ExpiresUtc is { } expires && expires < until)
        {
            until = expires;
        }

        if (_tickets.Count >= Capacity)
        {
            // More distinct tokens than it holds within a minute: start again rather than track which is oldest.
            _tickets.Clear();
        }

        _tickets[protectedText] = new Remembered(ticket.Clone(), until);
        return ticket;
    }

    /// <summary>
    /// The ticket of a remembered token sent as <c>Authorization: Bearer &lt;token&gt;</c>, looked up in the header
    /// itself: the bearer handler copies the token out of the header before reading it, about a kilobyte per request.
    /// False for any other header, a token not remembered, or one remembered past its time.
    /// </summary>
    public bool TryRecall(string? authorization, [NotNullWhen(true)] out AuthenticationTicket? ticket)
    {
        ticket = null;
        if (authorization is null
            || !authorization.StartsWith(BearerPrefix, StringComparison.Ordinal)
            || !_tickets.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(authorization.AsSpan(BearerPrefix.Length), out var remembered)
            || clock.GetUtcNow() >= remembered.Until
            || remembered.Ticket.Properties.ExpiresUtc is null)
        {
            return false;
        }

        ticket = remembered.Ticket.Clone();
        return true;
    }

    private sealed record Remembered(AuthenticationTicket Ticket, DateTimeOffset Until);
}
