using InfoPortal.Data;
using InfoPortal.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// <c>dotnet run --project InfoPortal -- create-admin NAME</c>: the first system administrator of a
/// production instance, where nothing is seeded. Asks for the password (or reads it from standard input).
/// </summary>
public static class CreateAdminCommand
{
    public static async Task<int> RunAsync(IServiceProvider services, string userName, TextReader input, TextWriter output)
    {
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var users = sp.GetRequiredService<UserManager<AppUser>>();
        var policy = sp.GetRequiredService<PasswordPolicy>();
        if (await users.FindByNameAsync(userName) is not null)
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
            LockoutEnabled = true,
        };
        var result = await users.CreateAsync(user, password);
        if (!result.Succeeded)
        {
            await output.WriteLineAsync(string.Join(Environment.NewLine, result.Errors.Select(e => e.Description)));
            return 1;
        }

        await users.AddToRoleAsync(user, Roles.SystemAdmin);
        await sp.GetRequiredService<AuditLog>().AppendAsync(Actor.System("create-admin"), AuditActions.UserCreated, $"user:{userName}", AuditOutcome.Success, "roles=SystemAdmin (command line)");
        await output.WriteLineAsync($"Created system administrator '{userName}' in department '{department.Name}'.");
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
