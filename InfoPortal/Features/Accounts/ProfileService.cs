using InfoPortal.Infrastructure.Security;
using System.Globalization;
using System.Text;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Accounts;

/// <summary>What a user does to their own account: change the password and set up two-factor sign-in.</summary>
public sealed class ProfileService(UserManager<AppUser> users, InfoPortal.Data.PortalDbContext db, SessionService sessions, AuditLog audit, IStringLocalizer<SharedResource> L, TimeProvider clock)
{
    public async Task<AppUser> GetAsync(Actor actor)
    {
        return await users.FindByIdAsync(RequireUser(actor)) ?? throw new NotFoundException(L["Users.NotFound"]);
    }

    /// <summary>
    /// Changes a password after checking the current one. Used signed in (profile) and, for an
    /// expired password, before sign-in — then <paramref name="keepSession"/> is null.
    /// </summary>
    public async Task ChangePasswordAsync(AppUser user, string currentPassword, string newPassword, string? ip, Guid? keepSession, CancellationToken cancellationToken = default)
    {
        if (newPassword == currentPassword)
        {
            throw ValidationFailedException.For("newPassword", L["Password.MustDiffer"]);
        }

        // The new password and its audit record commit together (ADR 0021); UserManager writes
        // through this scope's context, so its saves join the transaction.
        IdentityResult result;
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
            if (result.Succeeded)
            {
                user.PasswordChangedAt = clock.GetUtcNow();
                user.MustChangePassword = false;
                ThrowIfFailed(await users.UpdateAsync(user));
                audit.Stage(db, new AuditEntry(user.Id, user.UserName ?? "", ip, AuditActions.PasswordChanged, $"user:{user.UserName}", AuditOutcome.Success, null));
                await db.SaveChangesAsync(CancellationToken.None);
                await transaction.CommitAsync(CancellationToken.None);
            }
        }

        if (!result.Succeeded)
        {
            var wrongCurrent = result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch));
            if (wrongCurrent)
            {
                await users.AccessFailedAsync(user);
            }

            // A refused change writes nothing else: a standalone record.
            await audit.AppendAsync(new AuditEntry(user.Id, user.UserName ?? "", ip, AuditActions.PasswordChanged, $"user:{user.UserName}", AuditOutcome.Failure,
                wrongCurrent ? "wrong current password" : "policy"), cancellationToken);
            var messages = wrongCurrent ? [L["Password.CurrentWrong"].Value] : result.Errors.Select(e => e.Description).Distinct().ToArray();
            throw new ValidationFailedException(new Dictionary<string, string[]> { [wrongCurrent ? "currentPassword" : "newPassword"] = messages }, string.Join(" ", messages));
        }

        await sessions.EndAllAsync(user.Id, SessionEndReason.PasswordChanged, keepSession, CancellationToken.None);
    }

    /// <summary>The authenticator key (created on first use) and the otpauth URI for a QR code.</summary>
    public async Task<AuthenticatorSetup> GetAuthenticatorSetupAsync(Actor actor)
    {
        var user = await GetAsync(actor);
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            await users.ResetAuthenticatorKeyAsync(user);
            key = await users.GetAuthenticatorKeyAsync(user);
        }

        var uri = string.Format(CultureInfo.InvariantCulture, "otpauth://totp/{0}:{1}?secret={2}&issuer={0}&digits=6",
            Uri.EscapeDataString("InfoPortal"), Uri.EscapeDataString(user.UserName ?? ""), key);
        return new AuthenticatorSetup(FormatKey(key!), uri, user.TwoFactorEnabled);
    }

    public async Task EnableTwoFactorAsync(Actor actor, string code, CancellationToken cancellationToken = default)
    {
        var user = await GetAsync(actor);
        var clean = code.Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        if (!await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, clean))
        {
            throw ValidationFailedException.For("code", L["TwoFactor.CodeInvalid"]);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        ThrowIfFailed(await users.SetTwoFactorEnabledAsync(user, true));
        audit.Stage(db, actor, AuditActions.TwoFactorChanged, $"user:{user.UserName}", AuditOutcome.Success, "enabled");
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }

    public async Task DisableTwoFactorAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        var user = await GetAsync(actor);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        ThrowIfFailed(await users.SetTwoFactorEnabledAsync(user, false));
        ThrowIfFailed(await users.ResetAuthenticatorKeyAsync(user));
        audit.Stage(db, actor, AuditActions.TwoFactorChanged, $"user:{user.UserName}", AuditOutcome.Success, "disabled");
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
    }

    private static void ThrowIfFailed(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Code)));
        }
    }

    private static string RequireUser(Actor actor) =>
        actor.UserId?.ToString(CultureInfo.InvariantCulture) ?? throw new ForbiddenException("Sign in first.");

    private static string FormatKey(string key)
    {
        var result = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            result.Append(key.AsSpan(i, Math.Min(4, key.Length - i))).Append(' ');
        }

        return result.ToString().TrimEnd().ToLowerInvariant();
    }
}

public sealed record AuthenticatorSetup(string SharedKey, string OtpAuthUri, bool Enabled);
