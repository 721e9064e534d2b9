using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using InfoPortal.Data;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Limits;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Interaction;

/// <summary>Too many attempts from one client address or contact (→ 429).</summary>
public sealed class RateLimitedException(string message, params object[] args) : PortalException(message, args)
{
    public override (int Status, string Code)? Problem => (429, "too_many_attempts");
}

/// <summary>
/// The public form's protections that need no outside service (ADR 0017): a time-based form
/// token (Data Protection over the issue time, so it cannot be forged or replayed much later),
/// and a rate limiter over our own table, so limits hold across restarts and instances.
/// </summary>
public sealed class SubmissionGuard(
    IDbContextFactory<PortalDbContext> dbFactory,
    AttemptLimiter limiter,
    IDataProtectionProvider protection,
    IOptions<InteractionOptions> options,
    TimeProvider clock)
{
    private readonly IDataProtector _tokens = protection.CreateProtector("InfoPortal.Interaction.FormToken.v1");

    /// <summary>A token saying "this form was served at <paramref name="at"/>".</summary>
    public string IssueFormToken(DateTimeOffset? at = null) =>
        _tokens.Protect((at ?? clock.GetUtcNow()).ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));

    /// <summary>Refuses a missing, forged or stale token, and a form sent back faster than a person can fill it.</summary>
    public void CheckFormToken(string? token)
    {
        if (string.IsNullOrWhiteSpace(token))
        {
            throw ValidationFailedException.For("formToken", "Interaction.Error.FormTokenMissing");
        }

        long issuedMs;
        try
        {
            issuedMs = long.Parse(_tokens.Unprotect(token), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException or OverflowException)
        {
            throw ValidationFailedException.For("formToken", "Interaction.Error.FormTokenStale");
        }

        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(issuedMs);
        if (age > TimeSpan.FromHours(options.Value.FormTokenHours) || age < TimeSpan.FromMinutes(-5))
        {
            throw ValidationFailedException.For("formToken", "Interaction.Error.FormTokenStale");
        }

        if (age < TimeSpan.FromSeconds(options.Value.FormMinSeconds))
        {
            throw ValidationFailedException.For("formToken", "Interaction.Error.FormTooFast");
        }
    }

    /// <summary>
    /// Counts one attempt under each key; throws (nothing counted) when any key is over its limit
    /// in its window. Atomic under concurrency and across instances (<see cref="AttemptLimiter"/>).
    /// </summary>
    public async Task CountAsync(IReadOnlyList<(string Key, int Limit, TimeSpan Window)> keys, string messageKey, CancellationToken cancellationToken)
    {
        if (!await limiter.TryTakeAsync([.. keys.Select(k => new AttemptLimit(k.Key, k.Limit, k.Window))], cancellationToken))
        {
            throw new RateLimitedException(messageKey);
        }
    }

    /// <summary>Forgets attempts older than two days (run by the daily job).</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var before = clock.GetUtcNow().AddDays(-2);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InteractionAttempts.Where(a => a.At < before).ExecuteDeleteAsync(cancellationToken);
    }
}
