using InfoPortal.Infrastructure.Security;
using InfoPortal.Data;
using InfoPortal.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// <c>dotnet run --project InfoPortal -- create-admin NAME</c>: the first system administrator of a
/// production instance, where nothing is seeded. <c>-- create-auditor NAME</c>: an audit
/// administrator, the only way one is made (ADR 0022: the system administrator cannot grant the
/// role in the app); run again for an existing audit administrator it sets a new password, which
/// the auditor changes at the next sign-in. Asks for the password (or reads it from standard input).
/// </summary>
public static class CreateAdminCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string userName, TextReader input, TextWriter output, string role = Roles.SystemAdmin)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var users = sp.GetRequiredService<UserManager<AppUser>>();
        var policy = sp.GetRequiredService<PasswordPolicy>();
        var existing = await users.FindByNameAsync(userName);
        if (existing is not null && !(role == Roles.AuditAdmin && await users.IsInRoleAsync(existing, Roles.AuditAdmin)))
        {
            await output.WriteLineAsync($"User '{userName}' already exists.");
            return 1;
        }

        string? password;
        string? confirm;
        if (Console.IsInputRedirected || input != Console.In)
        {
            password = await input.ReadLineAsync();
            confirm = password;
        }
        else
        {
            password = ReadHidden(output, "Password: ");
            confirm = ReadHidden(output, "Repeat password: ");
        }

        if (string.IsNullOrEmpty(password) || password != confirm)
        {
            await output.WriteLineAsync("The passwords are empty or do not match.");
            return 1;
        }

        var problems = policy.Check(password, userName);
        if (problems.Count > 0)
        {
            await output.WriteLineAsync("The password does not meet the policy: " + string.Join(", ", problems));
            return 1;
        }

        if (existing is not null)
        {
            return await ResetAuditorAsync(sp, users, existing, password, output);
        }

        var dbFactory = sp.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        await using var db = await dbFactory.CreateDbContextAsync();
        var department = await db.Departments.OrderBy(d => d.SortOrder).FirstOrDefaultAsync();
        if (department is null)
        {
            department = new Department { Name = "办公室", SortOrder = 10, CreatedAt = DateTimeOffset.UtcNow };
            db.Departments.Add(department);
            await db.SaveChangesAsync();
        }

        var user = new AppUser
        {
            UserName = userName,
            DisplayName = userName,
            DepartmentId = department.Id,
            CreatedAt = DateTimeOffset.UtcNow,
            PasswordChangedAt = DateTimeOffset.UtcNow,
            // Whoever typed the password at the console, the auditor chooses their own at first sign-in.
            MustChangePassword = role == Roles.AuditAdmin,
            LockoutEnabled = true,
        };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            await output.WriteLineAsync(string.Join(Environment.NewLine, result.Errors.Select(e => e.Description)));
            return 1;
        }

        await users.AddToRoleAsync(user, role);
        var command = role == Roles.AuditAdmin ? "create-auditor" : "create-admin";
        var log = sp.GetRequiredService<AuditLog>();
        await log.AppendAsync(Actor.System(command), AuditActions.UserCreated, $"user:{userName}", AuditOutcome.Success, $"roles={role} (command line)");
        await log.AppendAsync(Actor.System(command), AuditActions.RolesChanged, $"user:{userName}", AuditOutcome.Success, AccountService.RoleChange([], [role]));
        await output.WriteLineAsync($"Created {(role == Roles.AuditAdmin ? "audit" : "system")} administrator '{userName}' in department '{department.Name}'.");
        return 0;
    }

    private static async Task<int> ResetAuditorAsync(IServiceProvider sp, UserManager<AppUser> users, AppUser auditor, string password, TextWriter output)
    {
        var token = await users.GeneratePasswordResetTokenAsync(auditor);
        var result = await users.ResetPasswordAsync(auditor, token, password);
        if (!result.Succeeded)
        {
            await output.WriteLineAsync(string.Join(Environment.NewLine, result.Errors.Select(e => e.Description)));
            return 1;
        }

        auditor.MustChangePassword = true;
        auditor.PasswordChangedAt = DateTimeOffset.UtcNow;
        await users.SetLockoutEndDateAsync(auditor, null);
        await users.UpdateAsync(auditor);
        await sp.GetRequiredService<SignInLockout>().ClearAsync(auditor.UserName ?? "");
        await sp.GetRequiredService<SessionService>().EndAllAsync(auditor.Id, SessionEndReason.PasswordReset);
        await sp.GetRequiredService<AuditLog>().AppendAsync(Actor.System("create-auditor"), AuditActions.PasswordReset, $"user:{auditor.UserName}", AuditOutcome.Success, "audit administrator (command line)");
        await output.WriteLineAsync($"Set a new password for audit administrator '{auditor.UserName}'; it must be changed at the next sign-in.");
        return 0;
    }

    private static string ReadHidden(TextWriter output, string prompt)
    {
        output.Write(prompt);
        var text = new System.Text.StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter) break;
            if (key.Key == ConsoleKey.Backspace) { if (text.Length > 0) text.Length--; continue; }
            text.Append(key.KeyChar);
        }

        output.WriteLine();
        return text.ToString();
    }
}
