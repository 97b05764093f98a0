using System.Collections.Concurrent;
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

    private sealed record Remembered(AuthenticationTicket Ticket, DateTimeOffset Until);
}
