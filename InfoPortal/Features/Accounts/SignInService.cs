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
/// </summary>
public sealed class SignInService(
    UserManager<AppUser> users,
    OfficeNetworkPolicy networks,
    SignInThrottle throttle,
    PasswordPolicy passwords,
    AuditLog audit,
    TimeProvider clock)
{
    public async Task<SignInOutcome> CheckAsync(SignInAttempt attempt, CancellationToken cancellationToken = default)
    {
        var ip = attempt.Address?.ToString();
        var userName = attempt.UserName.Trim();

        if (!networks.IsAllowed(attempt.Address))
        {
            await AuditAsync(null, userName, ip, AuditOutcome.Refused, "network: address outside the office networks", cancellationToken);
            return new SignInOutcome(SignInStatus.NetworkRefused);
        }

        if (throttle.IsBlocked(ip))
        {
            await AuditAsync(null, userName, ip, AuditOutcome.Refused, "throttled: too many failures from this address", cancellationToken);
            return new SignInOutcome(SignInStatus.TooManyAttempts);
        }

        var user = userName.Length == 0 ? null : await users.FindByNameAsync(userName);
        if (user is null)
        {
            throttle.RecordFailure(ip);
            await AuditAsync(null, userName, ip, AuditOutcome.Failure, "unknown user", cancellationToken);
            return new SignInOutcome(SignInStatus.InvalidCredentials);
        }

        if (user.IsDisabled)
        {
            await AuditAsync(user, ip, AuditOutcome.Refused, "account disabled", cancellationToken);
            return new SignInOutcome(SignInStatus.Disabled, user);
        }

        if (await users.IsLockedOutAsync(user))
        {
            await AuditAsync(user, ip, AuditOutcome.Refused, "locked out", cancellationToken);
            return new SignInOutcome(SignInStatus.LockedOut, user, await users.GetLockoutEndDateAsync(user));
        }

        if (!await users.CheckPasswordAsync(user, attempt.Password))
        {
            return await FailAsync(user, ip, "wrong password", SignInStatus.InvalidCredentials, cancellationToken);
        }

        if (user.TwoFactorEnabled)
        {
            if (string.IsNullOrWhiteSpace(attempt.TwoFactorCode))
            {
                // The password was right; the second step decides. Failures there count as well.
                return new SignInOutcome(SignInStatus.RequiresTwoFactor, user);
            }

            if (await VerifyCodeAsync(user, attempt.TwoFactorCode, ip, cancellationToken) is { } failed)
            {
                return failed;
            }
        }

        await users.ResetAccessFailedCountAsync(user);
        throttle.Reset(ip);

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

        if (await users.IsLockedOutAsync(user))
        {
            await AuditAsync(user, ip, AuditOutcome.Refused, "locked out", cancellationToken);
            return new SignInOutcome(SignInStatus.LockedOut, user, await users.GetLockoutEndDateAsync(user));
        }

        if (await VerifyCodeAsync(user, code, ip, cancellationToken) is { } failed)
        {
            return failed;
        }

        await users.ResetAccessFailedCountAsync(user);
        if (passwords.IsExpired(user, clock.GetUtcNow()))
        {
            await AuditAsync(user, ip, AuditOutcome.Refused, "password expired", cancellationToken);
            return new SignInOutcome(SignInStatus.PasswordExpired, user);
        }

        return new SignInOutcome(SignInStatus.Succeeded, user);
    }

    /// <summary>Checks an authenticator code; a wrong one counts towards the lockout. Null when it is right.</summary>
    private async Task<SignInOutcome?> VerifyCodeAsync(AppUser user, string code, string? ip, CancellationToken cancellationToken)
    {
        var clean = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, clean)
            ? null
            : await FailAsync(user, ip, "wrong two-factor code", SignInStatus.InvalidTwoFactorCode, cancellationToken);
    }

    public Task AuditSuccessAsync(AppUser user, string? ip, string detail, CancellationToken cancellationToken = default) =>
        AuditAsync(user, ip, AuditOutcome.Success, detail, cancellationToken);

    private async Task<SignInOutcome> FailAsync(AppUser user, string? ip, string reason, SignInStatus status, CancellationToken cancellationToken)
    {
        throttle.RecordFailure(ip);
        await users.AccessFailedAsync(user);
        if (await users.IsLockedOutAsync(user))
        {
            await AuditAsync(user, ip, AuditOutcome.Failure, reason + "; account locked", cancellationToken);
            return new SignInOutcome(SignInStatus.LockedOut, user, await users.GetLockoutEndDateAsync(user));
        }

        await AuditAsync(user, ip, AuditOutcome.Failure, reason, cancellationToken);
        return new SignInOutcome(status, user);
    }

    private Task AuditAsync(AppUser user, string? ip, AuditOutcome outcome, string detail, CancellationToken cancellationToken) =>
        AuditAsync(user.Id, user.UserName ?? "", ip, outcome, detail, cancellationToken);

    private Task AuditAsync(int? userId, string userName, string? ip, AuditOutcome outcome, string detail, CancellationToken cancellationToken) =>
        audit.AppendAsync(new AuditEntry(userId, userName, ip, AuditActions.SignIn, userName, outcome, detail), cancellationToken);
}
