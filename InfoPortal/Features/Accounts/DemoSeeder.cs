using InfoPortal.Infrastructure.Security;
using InfoPortal.Data;
using InfoPortal.Features.Audit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Accounts;

/// <summary>The demo agency of appsettings.Development.json (<c>Demo</c> section).</summary>
public sealed class DemoOptions
{
    public bool Seed { get; set; }

    public string Password { get; set; } = "";

    public List<DemoDepartment> Departments { get; set; } = [];

    public List<DemoUser> Users { get; set; } = [];
}

public sealed class DemoDepartment
{
    public string Name { get; set; } = "";

    /// <summary>User name of the head.</summary>
    public string? Head { get; set; }
}

public sealed class DemoUser
{
    public string UserName { get; set; } = "";

    public string DisplayName { get; set; } = "";

    public string Department { get; set; } = "";

    public List<string> Roles { get; set; } = [];
}

/// <summary>Creates the roles on every start, and the demo agency once on an empty database when asked to.</summary>
public sealed class DemoSeeder(
    IDbContextFactory<PortalDbContext> dbFactory,
    UserManager<AppUser> users,
    RoleManager<AppRole> roles,
    AuditLog audit,
    TimeProvider clock,
    ILogger<DemoSeeder> logger)
{
    public async Task EnsureRolesAsync()
    {
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                await roles.CreateAsync(new AppRole(role));
            }
        }

        await ReportSeparationConflictsAsync();
    }

    /// <summary>
    /// Accounts from before the 三权分立 rule (ADR 0022) may hold a separated role together with
    /// another; the rule is enforced on every change, and start-up names the accounts to fix.
    /// </summary>
    private async Task ReportSeparationConflictsAsync()
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var held = await db.UserRoles.Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => new { ur.UserId, r.Name })
            .Join(db.Users, x => x.UserId, u => u.Id, (x, u) => new { u.UserName, x.Name })
            .ToListAsync();
        foreach (var user in held.GroupBy(h => h.UserName))
        {
            if (Roles.FindSeparationConflict(user.Select(u => u.Name!)) is { } conflict)
            {
                logger.LogWarning("Account {User} holds {First} together with {Second}, against the separation of duties (ADR 0022); the system administrator must change its roles",
                    user.Key, conflict.First, conflict.Second);
            }
        }
    }

    public async Task SeedDemoAsync(DemoOptions demo, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Users.AnyAsync(cancellationToken) || await db.Departments.AnyAsync(cancellationToken))
        {
            return;
        }

        // The demo agency obeys the same separation of duties as every account change.
        if (demo.Users.FirstOrDefault(u => Roles.FindSeparationConflict(u.Roles) is not null) is { } mixed)
        {
            throw new InvalidOperationException($"Demo user {mixed.UserName}: roles {string.Join(',', mixed.Roles)} break the separation of duties (ADR 0022).");
        }

        var now = clock.GetUtcNow();
        var departments = demo.Departments.Select((d, i) => new Department { Name = d.Name, SortOrder = (i + 1) * 10, CreatedAt = now }).ToList();
        db.Departments.AddRange(departments);
        await db.SaveChangesAsync(cancellationToken);

        var created = new Dictionary<string, AppUser>(StringComparer.Ordinal);
        foreach (var demoUser in demo.Users)
        {
            var department = departments.Single(d => d.Name == demoUser.Department);
            var user = new AppUser
            {
                UserName = demoUser.UserName,
                DisplayName = demoUser.DisplayName,
                DepartmentId = department.Id,
                CreatedAt = now,
                PasswordChangedAt = now,
                LockoutEnabled = true,
            };
            var result = await users.CreateAsync(user, demo.Password);
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"Demo user {demoUser.UserName}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
            }

            await users.AddToRolesAsync(user, demoUser.Roles);
            created[user.UserName] = user;
        }

        foreach (var (department, config) in departments.Zip(demo.Departments))
        {
            if (config.Head is { } head && created.TryGetValue(head, out var headUser))
            {
                var tracked = await db.Departments.SingleAsync(d => d.Id == department.Id, cancellationToken);
                tracked.HeadUserId = headUser.Id;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        // Stored audit text is read by the agency's auditors as it stands: in Chinese.
        await audit.AppendAsync(Actor.System("system"), AuditActions.SettingsChanged, "演示单位", AuditOutcome.Success,
            $"已建立演示单位：{departments.Count} 个部门，{created.Count} 个用户", cancellationToken);
        logger.LogInformation("Seeded the demo agency: {Departments} departments, {Users} users", departments.Count, created.Count);
    }
}
