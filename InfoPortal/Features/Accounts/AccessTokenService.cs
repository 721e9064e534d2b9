using InfoPortal.Infrastructure.Security;
using System.Security.Cryptography;
using System.Text;
using InfoPortal.Data;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Accounts;

/// <summary>Issues, lists, revokes and resolves API bearer tokens. Secrets are stored only as SHA-256.</summary>
public sealed class AccessTokenService(IDbContextFactory<PortalDbContext> dbFactory, SessionService sessions, AuditLog audit, IOptions<SecurityOptions> options, IStringLocalizer<SharedResource> L, TimeProvider clock)
{
    public const string SecretPrefix = "ipt_";

    public async Task<IssuedToken> IssueSessionTokenAsync(AppUser user, string? ip, CancellationToken cancellationToken = default)
    {
        IReadOnlyList<string> ended = [];
        var issued = await CreateAsync(user.Id, AccessTokenKind.Session, "api", TimeSpan.FromHours(options.Value.ApiTokenHours), cancellationToken,
            async (db, now) => ended = await sessions.SupersedeAsync(db, user.Id, now, cancellationToken));
        await audit.AppendAsync(new AuditEntry(user.Id, user.UserName ?? "", ip, AuditActions.TokenIssued, $"token:{issued.Id}", AuditOutcome.Success, "session token"), CancellationToken.None);
        await sessions.AuditSupersededAsync(user, ip, ended);
        return issued;
    }

    public async Task<IssuedToken> CreatePersonalTokenAsync(Actor actor, string name, int days, CancellationToken cancellationToken = default)
    {
        if (actor.UserId is not { } userId)
        {
            throw new ForbiddenException("Sign in first.");
        }

        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            throw ValidationFailedException.For("name", L["Tokens.NameInvalid"]);
        }

        if (days is < 1 or > 366)
        {
            throw ValidationFailedException.For("days", L["Tokens.DaysInvalid"]);
        }

        var issued = await CreateAsync(userId, AccessTokenKind.Personal, name, TimeSpan.FromDays(days), cancellationToken);
        await audit.AppendAsync(actor, AuditActions.TokenIssued, $"token:{issued.Id}", AuditOutcome.Success, $"personal token '{name}', {days} days", cancellationToken);
        return issued;
    }

    public async Task<IReadOnlyList<AccessToken>> ListPersonalAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AccessTokens.AsNoTracking()
            .Where(t => t.UserId == actor.UserId && t.Kind == AccessTokenKind.Personal && t.RevokedAt == null)
            .OrderByDescending(t => t.Id)
            .Take(100)
            .ToListAsync(cancellationToken);
    }

    public async Task RevokeAsync(Actor actor, int tokenId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.AccessTokens.SingleOrDefaultAsync(t => t.Id == tokenId && t.UserId == actor.UserId, cancellationToken)
            ?? throw new NotFoundException("No such token.");
        token.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(actor, AuditActions.TokenRevoked, $"token:{tokenId}", AuditOutcome.Success, token.Name, cancellationToken);
    }

    /// <summary>Resolves a presented secret to its active token and user, or null.</summary>
    public async Task<(AccessToken Token, AppUser User)?> ResolveAsync(string secret, CancellationToken cancellationToken = default)
    {
        if (!secret.StartsWith(SecretPrefix, StringComparison.Ordinal) || secret.Length > 200)
        {
            return null;
        }

        var hash = Hash(secret);
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.AccessTokens
            .Where(t => t.TokenHash == hash)
            .Join(db.Users, t => t.UserId, u => u.Id, (t, u) => new { Token = t, User = u })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null || !row.Token.IsActive(now) || row.User.IsDisabled)
        {
            return null;
        }

        if (row.Token.LastUsedAt is null || now - row.Token.LastUsedAt > TimeSpan.FromMinutes(1))
        {
            row.Token.LastUsedAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return (row.Token, row.User);
    }

    private async Task<IssuedToken> CreateAsync(int userId, AccessTokenKind kind, string name, TimeSpan lifetime, CancellationToken cancellationToken,
        Func<PortalDbContext, DateTimeOffset, Task>? alongside = null)
    {
        var secret = SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = clock.GetUtcNow();
        var token = new AccessToken
        {
            UserId = userId,
            Kind = kind,
            Name = name,
            TokenHash = Hash(secret),
            Prefix = secret[..10],
            CreatedAt = now,
            ExpiresAt = now + lifetime,
        };
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (alongside is not null)
        {
            await alongside(db, now);
        }

        db.AccessTokens.Add(token);
        await db.SaveChangesAsync(CancellationToken.None);
        return new IssuedToken(token.Id, secret, token.ExpiresAt);
    }

    internal static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

public sealed record IssuedToken(int Id, string Secret, DateTimeOffset ExpiresAt);
