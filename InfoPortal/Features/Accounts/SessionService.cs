using InfoPortal.Data;
using InfoPortal.Features.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// Server-side sessions: one active session per account, an idle timeout, and the end of every
/// session when an account is disabled or its password reset.
/// </summary>
public sealed class SessionService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IOptions<SecurityOptions> options,
    AuditLog audit,
    TimeProvider clock)
{
    /// <summary>Last-seen times are written at most this often, to keep requests read-only.</summary>
    private static readonly TimeSpan TouchInterval = TimeSpan.FromSeconds(60);

    private SessionRules Rules => options.Value.Session;

    public async Task<UserSession> StartAsync(AppUser user, string? ipAddress, string? userAgent, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var ended = await SupersedeAsync(db, user.Id, now, cancellationToken);

        var session = new UserSession
        {
            Id = Guid.NewGuid(),
            UserId = user.Id,
            CreatedAt = now,
            LastSeenAt = now,
            IpAddress = ipAddress,
            UserAgent = userAgent is { Length: > 512 } ? userAgent[..512] : userAgent,
        };
        db.UserSessions.Add(session);
        await db.SaveChangesAsync(CancellationToken.None);
        await AuditSupersededAsync(user, ipAddress, ended);
        return session;
    }

    /// <summary>
    /// One session per account (rules.md §1 第十五条): a new sign-in, on the page or at the token
    /// endpoint, ends the account's open cookie sessions and revokes its API session tokens, in the
    /// caller's context so that it commits with the new session. Personal tokens (made on the
    /// profile page for integrations) are not sign-ins and stay. Returns the ended targets.
    /// </summary>
    internal async Task<IReadOnlyList<string>> SupersedeAsync(PortalDbContext db, int userId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ended = new List<string>();
        if (!Rules.SingleSession)
        {
            return ended;
        }

        foreach (var old in await db.UserSessions.Where(s => s.UserId == userId && s.EndedAt == null).ToListAsync(cancellationToken))
        {
            old.EndedAt = now;
            old.EndReason = SessionEndReason.Superseded;
            ended.Add($"session:{old.Id}");
        }

        foreach (var token in await db.AccessTokens.Where(t => t.UserId == userId && t.Kind == AccessTokenKind.Session && t.RevokedAt == null).ToListAsync(cancellationToken))
        {
            if (token.ExpiresAt > now)
            {
                token.RevokedAt = now;
                ended.Add($"token:{token.Id}");
            }
        }

        return ended;
    }

    internal async Task AuditSupersededAsync(AppUser user, string? ipAddress, IReadOnlyList<string> ended)
    {
        // After the commit, with no caller token: the tx helper stages these into the transaction (ADR 0021).
        foreach (var target in ended)
        {
            await audit.AppendAsync(new AuditEntry(user.Id, user.UserName ?? "", ipAddress, AuditActions.SessionEnded, target, AuditOutcome.Success, nameof(SessionEndReason.Superseded)), CancellationToken.None);
        }
    }

    /// <summary>
    /// Checks that a session is still open for its user and ends it when it has been idle too long.
    /// <paramref name="touch"/> records user activity (a request or a circuit event).
    /// </summary>
    public async Task<SessionCheck> ValidateAsync(Guid sessionId, int userId, bool touch, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.UserSessions
            .Where(s => s.Id == sessionId && s.UserId == userId)
            .Join(db.Users, s => s.UserId, u => u.Id, (s, u) => new { Session = s, u.IsDisabled, u.SecurityStamp })
            .SingleOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return SessionCheck.Invalid(null);
        }

        var session = row.Session;
        if (session.EndedAt is not null)
        {
            return SessionCheck.Invalid(session.EndReason);
        }

        if (row.IsDisabled)
        {
            await EndAsync(db, session, SessionEndReason.AccountDisabled, now, cancellationToken);
            return SessionCheck.Invalid(SessionEndReason.AccountDisabled);
        }

        if (now - session.LastSeenAt > TimeSpan.FromMinutes(Rules.IdleTimeoutMinutes))
        {
            await EndAsync(db, session, SessionEndReason.IdleTimeout, now, cancellationToken);
            await audit.AppendAsync(new AuditEntry(userId, "", session.IpAddress, AuditActions.SessionEnded, $"session:{session.Id}", AuditOutcome.Success, nameof(SessionEndReason.IdleTimeout)), cancellationToken);
            return SessionCheck.Invalid(SessionEndReason.IdleTimeout);
        }

        if (touch && now - session.LastSeenAt > TouchInterval)
        {
            session.LastSeenAt = now;
            await db.SaveChangesAsync(cancellationToken);
        }

        return new SessionCheck(true, null, row.SecurityStamp);
    }

    public async Task EndAsync(Guid sessionId, SessionEndReason reason, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var session = await db.UserSessions.SingleOrDefaultAsync(s => s.Id == sessionId, cancellationToken);
        if (session is { EndedAt: null })
        {
            await EndAsync(db, session, reason, clock.GetUtcNow(), cancellationToken);
        }
    }

    /// <summary>Ends every open session of a user (disable, password reset); returns how many.</summary>
    public async Task<int> EndAllAsync(int userId, SessionEndReason reason, Guid? except = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var open = await db.UserSessions.Where(s => s.UserId == userId && s.EndedAt == null && s.Id != except).ToListAsync(cancellationToken);
        foreach (var session in open)
        {
            session.EndedAt = now;
            session.EndReason = reason;
        }

        await db.SaveChangesAsync(cancellationToken);
        return open.Count;
    }

    private static async Task EndAsync(PortalDbContext db, UserSession session, SessionEndReason reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        session.EndedAt = now;
        session.EndReason = reason;
        await db.SaveChangesAsync(cancellationToken);
    }
}

public sealed record SessionCheck(bool IsValid, SessionEndReason? EndReason, string? SecurityStamp)
{
    public static SessionCheck Invalid(SessionEndReason? reason) => new(false, reason, null);
}
