using InfoPortal.Infrastructure.Security;
using InfoPortal.Data;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// The system administrator's account work: create, edit department and roles, disable, reset
/// the password. Enforces the separation of duties (三权分立, ADR 0022) for the pages and the API
/// alike, and audits every change, role changes with their before and after.
/// Each operation works on its own scope (and so its own Identity DbContext): the page's circuit
/// lives for hours, and a context that long-lived made every account write after the first fail
/// with "Optimistic concurrency failure" (issue 10 item 6).
/// </summary>
public sealed class AccountService(
    IDbContextFactory<PortalDbContext> dbFactory,
    IServiceScopeFactory scopes,
    SessionService sessions,
    SignInLockout lockout,
    AuditLog audit,
    IStringLocalizer<SharedResource> L,
    TimeProvider clock)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(Actor actor, UserQuery query, CancellationToken cancellationToken = default)
    {
        EnsureAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var q = db.Users.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var s = query.Search.Trim();
            q = q.Where(u => u.UserName!.Contains(s) || u.DisplayName.Contains(s));
        }

        if (query.DepartmentId is { } departmentId)
        {
            q = q.Where(u => u.DepartmentId == departmentId);
        }

        var page = await q.Where(u => u.Id > query.After)
            .OrderBy(u => u.Id)
            .Take(Math.Clamp(query.Limit, 1, 200))
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.Email, u.DepartmentId, DepartmentName = u.Department!.Name, u.IsDisabled, u.LockoutEnd, u.TwoFactorEnabled, u.PasswordChangedAt, u.MustChangePassword })
            .ToListAsync(cancellationToken);

        var ids = page.Select(p => p.Id).ToList();
        var roles = await db.UserRoles.Where(ur => ids.Contains(ur.UserId))
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return [.. page.Select(p => new UserSummary(
            p.Id, p.UserName ?? "", p.DisplayName, p.Email, p.DepartmentId, p.DepartmentName,
            [.. roles.Where(r => r.UserId == p.Id).Select(r => r.Name!).OrderBy(r => Roles.All.ToList().IndexOf(r))],
            p.IsDisabled, p.LockoutEnd > now, p.TwoFactorEnabled, p.MustChangePassword))];
    }

    public async Task<int> CreateAsync(Actor actor, UserInput input, string initialPassword, CancellationToken cancellationToken = default)
    {
        EnsureAdmin(actor);
        var wanted = input.Roles.Distinct().ToList();
        await ValidateAsync(input, cancellationToken);
        if (wanted.Contains(Roles.AuditAdmin))
        {
            await RefuseRolesAsync(actor, input.UserName.Trim(), [], wanted, "Users.AuditorByCommandLine");
        }

        var user = new AppUser
        {
            UserName = input.UserName.Trim(),
            DisplayName = input.DisplayName.Trim(),
            Email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim(),
            DepartmentId = input.DepartmentId,
            CreatedAt = clock.GetUtcNow(),
            PasswordChangedAt = clock.GetUtcNow(),
            // A password chosen by the administrator is known to two people: the owner replaces it.
            MustChangePassword = true,
            LockoutEnabled = true,
        };

        await using (var scope = scopes.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
            // The account and its roles commit together or not at all.
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            ThrowIfFailed(await users.CreateAsync(user, initialPassword), "password");
            ThrowIfFailed(await users.AddToRolesAsync(user, wanted), "roles");
            // The records commit with the account (ADR 0021).
            audit.Stage(db, actor, AuditActions.UserCreated, $"user:{user.UserName}", AuditOutcome.Success,
                $"department={input.DepartmentId}; roles={string.Join(',', wanted)}");
            audit.Stage(db, actor, AuditActions.RolesChanged, $"user:{user.UserName}", AuditOutcome.Success, RoleChange([], wanted));
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }

        return user.Id;
    }

    public async Task UpdateAsync(Actor actor, int userId, UserInput input, CancellationToken cancellationToken = default)
    {
        EnsureAdmin(actor);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            ?? throw new NotFoundException(L["Users.NotFound"]);
        var current = (await users.GetRolesAsync(user)).ToList();
        var wanted = input.Roles.Distinct().ToList();
        var remove = current.Except(wanted).ToList();
        var add = wanted.Except(current).ToList();
        if (remove.Count > 0 || add.Count > 0)
        {
            // The rules about who may change whose roles come first, so every such attempt is audited.
            if (actor.UserId == userId)
            {
                // Nobody widens (or narrows) their own powers, the administrator included.
                await RefuseRolesAsync(actor, user.UserName ?? "", current, wanted, "Users.CannotChangeOwnRoles");
            }

            if (add.Contains(Roles.AuditAdmin))
            {
                await RefuseRolesAsync(actor, user.UserName ?? "", current, wanted, "Users.AuditorByCommandLine");
            }

            if (current.Contains(Roles.AuditAdmin))
            {
                await RefuseRolesAsync(actor, user.UserName ?? "", current, wanted, "Users.AuditorNotByAdmin");
            }
        }

        await ValidateAsync(input with { UserName = user.UserName ?? "" }, cancellationToken, existingUserId: userId);

        var changes = new List<string>();
        if (user.DisplayName != input.DisplayName.Trim()) changes.Add($"displayName: {user.DisplayName} → {input.DisplayName.Trim()}");
        if (user.DepartmentId != input.DepartmentId) changes.Add($"department: {user.DepartmentId} → {input.DepartmentId}");
        var email = string.IsNullOrWhiteSpace(input.Email) ? null : input.Email.Trim();
        if (user.Email != email) changes.Add("email");
        user.DisplayName = input.DisplayName.Trim();
        user.DepartmentId = input.DepartmentId;
        user.Email = email;

        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            ThrowIfFailed(await users.UpdateAsync(user), "user");
            if (remove.Count > 0) ThrowIfFailed(await users.RemoveFromRolesAsync(user, remove), "roles");
            if (add.Count > 0) ThrowIfFailed(await users.AddToRolesAsync(user, add), "roles");
            // The records commit with the change (ADR 0021).
            if (changes.Count > 0)
            {
                audit.Stage(db, actor, AuditActions.UserUpdated, $"user:{user.UserName}", AuditOutcome.Success, string.Join("; ", changes));
            }

            if (remove.Count > 0 || add.Count > 0)
            {
                audit.Stage(db, actor, AuditActions.RolesChanged, $"user:{user.UserName}", AuditOutcome.Success, RoleChange(current, wanted));
            }

            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }
    }

    public async Task SetDisabledAsync(Actor actor, int userId, bool disabled, CancellationToken cancellationToken = default)
    {
        EnsureAdmin(actor);
        if (actor.UserId == userId)
        {
            throw ValidationFailedException.For("user", L["Users.CannotDisableSelf"]);
        }

        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            ?? throw new NotFoundException(L["Users.NotFound"]);
        user.IsDisabled = disabled;
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            ThrowIfFailed(await users.UpdateAsync(user), "user");
            // The record commits with the change (ADR 0021).
            audit.Stage(db, actor, disabled ? AuditActions.UserDisabled : AuditActions.UserEnabled, $"user:{user.UserName}", AuditOutcome.Success, null);
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }

        if (disabled)
        {
            await sessions.EndAllAsync(userId, SessionEndReason.AccountDisabled, cancellationToken: CancellationToken.None);
        }
    }

    /// <summary>Sets a new password that the owner must change at the next sign-in; ends the user's sessions.</summary>
    public async Task ResetPasswordAsync(Actor actor, int userId, string newPassword, CancellationToken cancellationToken = default)
    {
        EnsureAdmin(actor);
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByIdAsync(userId.ToString(System.Globalization.CultureInfo.InvariantCulture))
            ?? throw new NotFoundException(L["Users.NotFound"]);
        if (await users.IsInRoleAsync(user, Roles.AuditAdmin))
        {
            // A password the administrator chose would let the administrator sign in as the auditor.
            await audit.AppendAsync(actor, AuditActions.PasswordReset, $"user:{user.UserName}", AuditOutcome.Refused, "audit administrator", CancellationToken.None);
            throw ValidationFailedException.For("password", L["Users.AuditorNotByAdmin"]);
        }

        var token = await users.GeneratePasswordResetTokenAsync(user);
        var db = scope.ServiceProvider.GetRequiredService<PortalDbContext>();
        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            ThrowIfFailed(await users.ResetPasswordAsync(user, token, newPassword), "password");
            user.MustChangePassword = true;
            user.PasswordChangedAt = clock.GetUtcNow();
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            ThrowIfFailed(await users.UpdateAsync(user), "user");
            // The record commits with the new password or neither does (ADR 0021): a reset nobody can trace is worse than none.
            audit.Stage(db, actor, AuditActions.PasswordReset, $"user:{user.UserName}", AuditOutcome.Success, null);
            await db.SaveChangesAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
        }

        await lockout.ClearAsync(user.UserName ?? "");
        await sessions.EndAllAsync(userId, SessionEndReason.PasswordReset, cancellationToken: CancellationToken.None);
    }

    /// <summary>"roles: A,B → C": the audit detail of a role change (— for none).</summary>
    internal static string RoleChange(IEnumerable<string> before, IEnumerable<string> after) =>
        $"roles: {List(before)} → {List(after)}";

    private static string List(IEnumerable<string> roles)
    {
        var ordered = roles.Distinct().OrderBy(r => Roles.All.ToList().IndexOf(r)).ToList();
        return ordered.Count == 0 ? "—" : string.Join(',', ordered);
    }

    /// <summary>Audits a refused role change (who tried what) and throws the field error.</summary>
    private async Task RefuseRolesAsync(Actor actor, string userName, IEnumerable<string> before, IEnumerable<string> after, string messageKey)
    {
        await audit.AppendAsync(actor, AuditActions.RolesChanged, $"user:{userName}", AuditOutcome.Refused, $"{RoleChange(before, after)}; {messageKey}", CancellationToken.None);
        throw ValidationFailedException.For("roles", L[messageKey]);
    }

    private async Task ValidateAsync(UserInput input, CancellationToken cancellationToken, int? existingUserId = null)
    {
        var errors = new Dictionary<string, string[]>();
        if (existingUserId is null)
        {
            var name = input.UserName.Trim();
            if (name.Length is < 2 or > 64 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                errors["userName"] = [L["Users.UserNameInvalid"]];
            }
            else if (await NameTakenAsync(name, cancellationToken))
            {
                errors["userName"] = [L["Users.UserNameTaken"]];
            }
        }

        if (string.IsNullOrWhiteSpace(input.DisplayName) || input.DisplayName.Trim().Length > 100)
        {
            errors["displayName"] = [L["Users.DisplayNameRequired"]];
        }

        var unknown = input.Roles.Where(r => !Roles.IsKnown(r)).ToList();
        if (unknown.Count > 0)
        {
            errors["roles"] = [L["Users.UnknownRole", string.Join(", ", unknown)]];
        }
        else if (Roles.FindSeparationConflict(input.Roles) is { } conflict)
        {
            errors["roles"] = [L["Users.RolesExclusive", L["Role." + conflict.First], L["Role." + conflict.Second]]];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Departments.AnyAsync(d => d.Id == input.DepartmentId && d.IsActive, cancellationToken))
        {
            errors["departmentId"] = [L["Users.DepartmentRequired"]];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, string.Join(" ", errors.Values.SelectMany(v => v)));
        }
    }

    private async Task<bool> NameTakenAsync(string name, CancellationToken cancellationToken)
    {
        var normalized = name.ToUpperInvariant();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.AnyAsync(u => u.NormalizedUserName == normalized, cancellationToken);
    }

    private void ThrowIfFailed(IdentityResult result, string field)
    {
        if (!result.Succeeded)
        {
            // Our password validator speaks the user's language; Identity's own errors are English,
            // so they become one localised sentence (a password rule Identity also checks is said once).
            var messages = result.Errors
                .Select(e => e.Code.StartsWith("Password", StringComparison.Ordinal) && !IsEnglishIdentityError(e) ? e.Description : L["Users.SaveFailed"].Value)
                .Distinct().ToArray();
            throw new ValidationFailedException(new Dictionary<string, string[]> { [field] = messages }, string.Join(" ", messages));
        }
    }

    private static bool IsEnglishIdentityError(IdentityError error) =>
        error.Description.StartsWith("Passwords must", StringComparison.Ordinal);

    internal static void EnsureAdmin(Actor actor)
    {
        if (!actor.Has(Permissions.Accounts.ManageUsers))
        {
            throw new ForbiddenException("Only the system administrator manages accounts.");
        }
    }
}

public sealed record UserQuery(string? Search = null, int? DepartmentId = null, int After = 0, int Limit = 50);

public sealed record UserInput(string UserName, string DisplayName, string? Email, int DepartmentId, IReadOnlyList<string> Roles);

public sealed record UserSummary(
    int Id, string UserName, string DisplayName, string? Email, int DepartmentId, string DepartmentName,
    IReadOnlyList<string> Roles, bool IsDisabled, bool IsLockedOut, bool TwoFactorEnabled, bool MustChangePassword);
