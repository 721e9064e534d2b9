using System.Net;
using InfoPortal.Features.Audit;
using Microsoft.AspNetCore.Identity;

namespace InfoPortal.Features.Accounts;

public enum SignInStatus
{
    Succeeded,
    InvalidCredentials,
    LockedOut,
    Disabled,
    NetworkRefused,
    TooManyAttempts,
    PasswordExpired,
    RequiresTwoFactor,
    InvalidTwoFactorCode,
}

public sealed record SignInAttempt(string UserName, string Password, IPAddress? Address, string? UserAgent, string? TwoFactorCode = null);

public sealed record SignInOutcome(SignInStatus Status, AppUser? User = null, DateTimeOffset? LockoutEnd = null)
{
    public bool Succeeded => Status == SignInStatus.Succeeded;
}

/// <summary>
/// The sign-in rules in one place, for the sign-in page and the token endpoint alike: office
/// networks, per-address throttling, account lockout, disabled accounts, password expiry and
/// the optional second factor. Every outcome is audited with its reason.
/// An unknown name and a known one answer alike until the password has been proved: both count
/// towards a lockout by name, both spend a password hash, and "disabled" is said only to someone
/// who knows the password (issue 10 item 14: no account enumeration).
/// </summary>
public sealed class SignInService(
    UserManager<AppUser> users,
    OfficeNetworkPolicy networks,
    SignInThrottle throttle,
    SignInLockout lockout,
    PasswordPolicy passwords,
    AuditLog audit,
    TimeProvider clock)
{
    /// <summary>A hash to check wrong names against, so an unknown name costs what a known one does.</summary>
    private static string? s_dummyHash;

    public async Task<SignInOutcome> CheckAsync(SignInAttempt attempt, CancellationToken cancellationToken = default)
    {
        var ip = attempt.Address?.ToString();
        var userName = attempt.UserName.Trim();

        if (!networks.IsAllowed(attempt.Address))
        {
            await AuditAsync(null, userName, ip, AuditOutcome.Refused, "network: address outside the office networks", cancellationToken);
            return new SignInOutcome(SignInStatus.NetworkRefused);
        }

        // Takes the attempt's slot before the password is checked, so parallel guesses are counted.
        if (!await throttle.TryBeginAsync(ip, cancellationToken))
        {
            await AuditAsync(null, userName, ip, AuditOutcome.Refused, "throttled: too many failures from this address", cancellationToken);
            return new SignInOutcome(SignInStatus.TooManyAttempts);
        }

        var user = userName.Length == 0 ? null : await users.FindByNameAsync(userName);
        if (await LockedUntilAsync(user, userName, cancellationToken) is { } lockedUntil)
        {
            await AuditAsync(user?.Id, userName, ip, AuditOutcome.Refused, user is null ? "locked out (unknown user)" : "locked out", cancellationToken);
            return new SignInOutcome(SignInStatus.LockedOut, LockoutEnd: lockedUntil);
        }

        if (user is null)
        {
            users.PasswordHasher.VerifyHashedPassword(new AppUser(), s_dummyHash ??= users.PasswordHasher.HashPassword(new AppUser(), "not-a-password"), attempt.Password);
            return await FailAsync(null, userName, ip, "unknown user", SignInStatus.InvalidCredentials, cancellationToken);
        }

        if (!await users.CheckPasswordAsync(user, attempt.Password))
        {
            return await FailAsync(user, userName, ip, "wrong password", SignInStatus.InvalidCredentials, cancellationToken);
        }

        if (user.IsDisabled)
        {
            // The password was right: telling the owner that the account is disabled reveals nothing.
            await AuditAsync(user, ip, AuditOutcome.Refused, "account disabled", cancellationToken);
            return new SignInOutcome(SignInStatus.Disabled, user);
        }

        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(attempt.TwoFactorCode))
            {
                // The password was right; the second step decides. Failures there count as well.
                await throttle.GiveBackAsync(ip);
                return new SignInOutcome(SignInStatus.RequiresTwoFactor, user);
            }

            if (await VerifyCodeAsync(user, attempt.TwoFactorCode, ip, cancellationToken) is { } failed)
            {
                return failed;
            }
        }

        await users.ResetAccessFailedCountAsync(user);
        await lockout.ClearAsync(userName);
        await throttle.SucceededAsync(ip);

        if (passwords.IsExpired(user, clock.GetUtcNow()))
        {
            await AuditAsync(user, ip, AuditOutcome.Refused, user.MustChangePassword ? "password must be changed (reset)" : "password expired", cancellationToken);
            return new SignInOutcome(SignInStatus.PasswordExpired, user);
        }

        return new SignInOutcome(SignInStatus.Succeeded, user);
    }

    /// <summary>The second step of the page flow: the password was checked before; now the code.</summary>
    public async Task<SignInOutcome> CheckTwoFactorAsync(AppUser user, string code, IPAddress? address, CancellationToken cancellationToken = default)
    {
        var ip = address?.ToString();
        if (!networks.IsAllowed(address))
        {
            await AuditAsync(user, ip, AuditOutcome.Refused, "network: address outside the office networks", cancellationToken);
            return new SignInOutcome(SignInStatus.NetworkRefused);
        }

        if (user.IsDisabled)
        {
            return new SignInOutcome(SignInStatus.Disabled, user);
        }

        if (await LockedUntilAsync(user, user.UserName ?? "", cancellationToken) is { } lockedUntil)
        {
            await AuditAsync(user, ip, AuditOutcome.Refused, "locked out", cancellationToken);
            return new SignInOutcome(SignInStatus.LockedOut, user, lockedUntil);
        }

        if (await VerifyCodeAsync(user, code, ip, cancellationToken) is { } failed)
        {
            return failed;
        }

        await users.ResetAccessFailedCountAsync(user);
        await lockout.ClearAsync(user.UserName ?? "");
        if (passwords.IsExpired(user, clock.GetUtcNow()))
        {
            await AuditAsync(user, ip, AuditOutcome.Refused, "password expired", cancellationToken);
            return new SignInOutcome(SignInStatus.PasswordExpired, user);
        }

        return new SignInOutcome(SignInStatus.Succeeded, user);
    }

    /// <summary>The name's lockout (known or not), or an Identity lockout an older version or a change of password left.</summary>
    private async Task<DateTimeOffset?> LockedUntilAsync(AppUser? user, string userName, CancellationToken cancellationToken)
    {
        if (user is not null && await users.IsLockedOutAsync(user))
        {
            return await users.GetLockoutEndDateAsync(user);
        }

        return userName.Length == 0 ? null : await lockout.LockedUntilAsync(userName, cancellationToken);
    }

    /// <summary>Checks an authenticator code; a wrong one counts towards the lockout. Null when it is right.</summary>
    private async Task<SignInOutcome?> VerifyCodeAsync(AppUser user, string code, string? ip, CancellationToken cancellationToken)
    {
        var clean = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, clean)
            ? null
            : await FailAsync(user, user.UserName ?? "", ip, "wrong two-factor code", SignInStatus.InvalidTwoFactorCode, cancellationToken);
    }

    public Task AuditSuccessAsync(AppUser user, string? ip, string detail, CancellationToken cancellationToken = default) =>
        AuditAsync(user, ip, AuditOutcome.Success, detail, cancellationToken);

    private async Task<SignInOutcome> FailAsync(AppUser? user, string userName, string? ip, string reason, SignInStatus status, CancellationToken cancellationToken)
    {
        // The address's slot was taken in CheckAsync (the 2FA page's second step takes none).
        if (userName.Length > 0 && await lockout.RecordFailureAsync(userName) is { } lockedUntil)
        {
            if (user is not null)
            {
                // Shown on the users page; an administrator's password reset clears both.
                await users.SetLockoutEndDateAsync(user, lockedUntil);
            }

            await AuditAsync(user?.Id, userName, ip, AuditOutcome.Failure, reason + "; account locked", cancellationToken);
            return new SignInOutcome(SignInStatus.LockedOut, LockoutEnd: lockedUntil);
        }

        await AuditAsync(user?.Id, userName, ip, AuditOutcome.Failure, reason, cancellationToken);
        return new SignInOutcome(status);
    }

    private Task AuditAsync(AppUser user, string? ip, AuditOutcome outcome, string detail, CancellationToken cancellationToken) =>
        AuditAsync(user.Id, user.UserName ?? "", ip, outcome, detail, cancellationToken);

    private Task AuditAsync(int? userId, string userName, string? ip, AuditOutcome outcome, string detail, CancellationToken cancellationToken) =>
        audit.AppendAsync(new AuditEntry(userId, userName, ip, AuditActions.SignIn, userName, outcome, detail), cancellationToken);
}
