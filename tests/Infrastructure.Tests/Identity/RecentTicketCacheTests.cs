using System.Security.Claims;
using CleanSse.Infrastructure.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace CleanSse.Infrastructure.Tests.Identity;

/// <summary>Bearer tokens read once a minute at most, never past their expiry, and never shared between requests.</summary>
public sealed class RecentTicketCacheTests
{
    private const string Token = "token-of-ada";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 2, 8, 0, 0, TimeSpan.Zero));
    private readonly CountingFormat _inner = new();

    [Fact]
    public void A_token_sent_again_is_not_unprotected_again()
    {
        // Issue 13: every authenticated request derived a key, checked a MAC and decrypted the same token again.
        _inner.Expires = _clock.GetUtcNow().AddHours(1);
        var cache = new RecentTicketCache(_inner, _clock);

        var first = cache.Unprotect(Token).ShouldNotBeNull();
        var second = cache.Unprotect(Token).ShouldNotBeNull();

        _inner.Reads.ShouldBe(1);
        second.Principal.FindFirstValue(ClaimTypes.NameIdentifier).ShouldBe("ada");
        second.ShouldNotBeSameAs(first);
        second.Principal.ShouldNotBeSameAs(first.Principal, "each request gets its own copy");
    }

    [Fact]
    public void A_remembered_token_is_read_again_at_its_expiry_or_after_a_minute()
    {
        _inner.Expires = _clock.GetUtcNow().AddSeconds(20);
        var cache = new RecentTicketCache(_inner, _clock);

        cache.Unprotect(Token);
        _clock.Advance(TimeSpan.FromSeconds(19));
        cache.Unprotect(Token);
        _inner.Reads.ShouldBe(1);

        _clock.Advance(TimeSpan.FromSeconds(1));
        cache.Unprotect(Token);
        _inner.Reads.ShouldBe(2, "the ticket expired");

        _inner.Expires = _clock.GetUtcNow().AddHours(1);
        _clock.Advance(TimeSpan.FromSeconds(1));
        cache.Unprotect(Token);
        _inner.Reads.ShouldBe(3);
        _clock.Advance(RecentTicketCache.Lifetime);
        cache.Unprotect(Token);
        _inner.Reads.ShouldBe(4, "remembered for a minute at most");
    }

    [Fact]
    public void A_remembered_token_is_recalled_from_its_authorization_header()
    {
        // Issue 13: the bearer handler copied every request's token out of its header (about a kilobyte) to look it up.
        _inner.Expires = _clock.GetUtcNow().AddSeconds(30);
        var cache = new RecentTicketCache(_inner, _clock);

        cache.TryRecall("Bearer " + Token, out _).ShouldBeFalse("nothing read yet");
        var read = cache.Unprotect(Token).ShouldNotBeNull();

        cache.TryRecall("Bearer " + Token, out var recalled).ShouldBeTrue();
        recalled.Principal.FindFirstValue(ClaimTypes.NameIdentifier).ShouldBe("ada");
        recalled.ShouldNotBeSameAs(read);
        recalled.Principal.ShouldNotBeSameAs(read.Principal, "each request gets its own copy");
        _inner.Reads.ShouldBe(1);

        cache.TryRecall(Token, out _).ShouldBeFalse("not a bearer header");
        cache.TryRecall("bearer " + Token, out _).ShouldBeFalse("the handler takes the scheme as written");
        cache.TryRecall("Bearer " + Token + "x", out _).ShouldBeFalse();
        cache.TryRecall(null, out _).ShouldBeFalse();

        _clock.Advance(TimeSpan.FromSeconds(30));
        cache.TryRecall("Bearer " + Token, out _).ShouldBeFalse("expired");
    }

    [Fact]
    public void A_token_that_cannot_be_read_is_not_remembered()
    {
        _inner.Readable = false;
        var cache = new RecentTicketCache(_inner, _clock);

        cache.Unprotect(Token).ShouldBeNull();
        cache.Unprotect(Token).ShouldBeNull();

        _inner.Reads.ShouldBe(2);
    }

    [Fact]
    public void Protecting_and_reading_for_another_purpose_go_straight_through()
    {
        _inner.Expires = _clock.GetUtcNow().AddHours(1);
        var cache = new RecentTicketCache(_inner, _clock);

        cache.Protect(Ticket(_inner.Expires)).ShouldBe("protected");
        cache.Unprotect(Token, "other");
        cache.Unprotect(Token, "other");

        _inner.Reads.ShouldBe(2);
    }

    private static AuthenticationTicket Ticket(DateTimeOffset expires) =>
        new(
            new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "ada")], "Bearer")),
            new AuthenticationProperties { ExpiresUtc = expires },
            "Identity.Bearer");

    /// <summary>Reads every token as Ada's ticket (or as nothing), counting the reads.</summary>
    private sealed class CountingFormat : ISecureDataFormat<AuthenticationTicket>
    {
        public int Reads { get; private set; }

        public bool Readable { get; set; } = true;

        public DateTimeOffset Expires { get; set; }

        public string Protect(AuthenticationTicket data) => "protected";

        public string Protect(AuthenticationTicket data, string? purpose) => "protected";

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Reads++;
            return Readable ? Ticket(Expires) : null;
        }
    }
}
