using InfoPortal.Infrastructure.Limits;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// Counts failed sign-ins per client address so that guessing across many accounts from one
/// place gets 429, on top of the per-account lockout. In the database (issue 13 item 7), so N
/// instances allow 30 guesses, not N×30; and an attempt takes its slot before the password is
/// checked, so 30 guesses sent at once cannot all pass the check before the first is counted.
/// </summary>
public sealed class SignInThrottle(AttemptLimiter limiter, IOptions<SecurityOptions> options)
{
    private AttemptLimit Limit(string? address) =>
        new("signin-ip:" + (address ?? "unknown"), options.Value.MaxFailuresPerAddress, TimeSpan.FromMinutes(options.Value.FailureWindowMinutes));

    /// <summary>
    /// Takes a slot for one attempt from <paramref name="address"/>, counted as a failure unless the
    /// attempt later proves the password (<see cref="SucceededAsync"/>, <see cref="GiveBackAsync"/>).
    /// False: the address has used up its failures in the window.
    /// </summary>
    public Task<bool> TryBeginAsync(string? address, CancellationToken cancellationToken = default) =>
        limiter.TryTakeAsync([Limit(address)], cancellationToken);

    /// <summary>A right password: the address's failures are forgotten.</summary>
    public Task SucceededAsync(string? address) => limiter.ClearAsync(Limit(address).Key);

    /// <summary>The attempt was not a failure (the second factor decides): its slot is given back.</summary>
    public Task GiveBackAsync(string? address) => limiter.GiveBackAsync(Limit(address).Key);

    public Task<bool> IsBlockedAsync(string? address, CancellationToken cancellationToken = default) =>
        limiter.IsAtLimitAsync(Limit(address), cancellationToken);
}

/// <summary>
/// The per-account lockout, kept by account *name* in the attempts table, for names that exist and
/// names that do not alike (issue 10 item 14): after <c>Security:Lockout:MaxFailedAttempts</c>
/// failures a name is locked for <c>LockoutMinutes</c>, whether or not an account has it, so a
/// 429 <c>locked_out</c> no longer tells that the account exists. One code path for both, so the
/// two cannot drift apart; atomic and shared by every instance like the address throttle.
/// </summary>
public sealed class SignInLockout(AttemptLimiter limiter, IOptions<SecurityOptions> options, TimeProvider clock)
{
    private LockoutRules Rules => options.Value.Lockout;

    private static string Hash(string userName) => AttemptLimiter.HashKey(userName.Trim().ToUpperInvariant());

    internal static string FailureKey(string userName) => "signin-name:" + Hash(userName);

    internal static string LockKey(string userName) => "signin-lock:" + Hash(userName);

    /// <summary>When the name's lockout ends, or null when it is not locked.</summary>
    public async Task<DateTimeOffset?> LockedUntilAsync(string userName, CancellationToken cancellationToken = default)
    {
        var length = TimeSpan.FromMinutes(Rules.LockoutMinutes);
        return await limiter.LatestAsync(LockKey(userName), clock.GetUtcNow() - length, cancellationToken) is { } lockedAt ? lockedAt + length : null;
    }

    /// <summary>Counts one failure for the name; returns the end of the lockout when this failure locks it.</summary>
    public Task<DateTimeOffset?> RecordFailureAsync(string userName) =>
        limiter.RunLockedAsync<DateTimeOffset?>([FailureKey(userName), LockKey(userName)], async (db, now) =>
        {
            var failureKey = FailureKey(userName);
            var failures = await db.InteractionAttempts.CountAsync(a => a.Key == failureKey);
            if (failures + 1 < Rules.MaxFailedAttempts)
            {
                db.InteractionAttempts.Add(new InteractionAttempt { Key = failureKey, At = now });
                return null;
            }

            // Locked: the count starts again after the lockout, as Identity's did.
            await db.InteractionAttempts.Where(a => a.Key == failureKey).ExecuteDeleteAsync();
            db.InteractionAttempts.Add(new InteractionAttempt { Key = LockKey(userName), At = now });
            return now + TimeSpan.FromMinutes(Rules.LockoutMinutes);
        });

    /// <summary>A right password, or an administrator's reset: the name's failures and lockout are forgotten.</summary>
    public async Task ClearAsync(string userName)
    {
        await limiter.ClearAsync(FailureKey(userName));
        await limiter.ClearAsync(LockKey(userName));
    }
}
