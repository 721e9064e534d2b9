using System.Text.Json;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Notifications;

/// <summary>The notification centre: who is told what, the unread count, and marking read.</summary>
public sealed class NotificationService(IDbContextFactory<PortalDbContext> dbFactory, EmailOutbox email, TimeProvider clock)
{
    /// <summary>Tells the users in a transaction of its own (for work that has no other change to commit with).</summary>
    public async Task NotifyUsersAsync(IEnumerable<int> userIds, string kind, IReadOnlyList<string> args, string? href, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await StageUsersAsync(db, userIds, kind, args, href, cancellationToken);
        await db.SaveChangesAsync(CancellationToken.None);
    }

    /// <summary>Tells every active holder of a role (optionally only in one department), in a transaction of its own.</summary>
    public async Task NotifyRoleAsync(string role, int? departmentId, string kind, IReadOnlyList<string> args, string? href, CancellationToken cancellationToken = default)
    {
        await NotifyUsersAsync(await UsersInRoleAsync(role, departmentId, cancellationToken), kind, args, href, cancellationToken);
    }

    /// <summary>
    /// Adds the notifications and their mails (outbox rows) to <paramref name="db"/>, to commit
    /// with the change they announce (ADR 0021 §1). Only reads; the caller saves.
    /// </summary>
    public async Task StageUsersAsync(PortalDbContext db, IEnumerable<int> userIds, string kind, IReadOnlyList<string> args, string? href, CancellationToken cancellationToken = default)
    {
        var ids = userIds.Distinct().ToList();
        if (ids.Count == 0)
        {
            return;
        }

        var now = clock.GetUtcNow();
        var json = JsonSerializer.Serialize(args, ArgsJson);
        db.Notifications.AddRange(ids.Select(id => new Notification { UserId = id, Kind = kind, Args = json, Href = href, CreatedAt = now }));
        if (email.Enabled)
        {
            var addresses = await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id) && u.Email != null && !u.IsDisabled).Select(u => u.Email!).ToListAsync(cancellationToken);
            email.Stage(db, addresses, kind, args, href);
        }
    }

    /// <summary>As <see cref="StageUsersAsync"/>, for every active holder of a role (optionally only in one department).</summary>
    public async Task StageRoleAsync(PortalDbContext db, string role, int? departmentId, string kind, IReadOnlyList<string> args, string? href, CancellationToken cancellationToken = default)
    {
        await StageUsersAsync(db, await UsersInRoleAsync(role, departmentId, cancellationToken), kind, args, href, cancellationToken);
    }

    public async Task<IReadOnlyList<int>> UsersInRoleAsync(string role, int? departmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.UserRoles
            .Join(db.Roles.Where(r => r.Name == role), ur => ur.RoleId, r => r.Id, (ur, _) => ur.UserId)
            .Join(db.Users.Where(u => !u.IsDisabled && (departmentId == null || u.DepartmentId == departmentId)), id => id, u => u.Id, (id, _) => id)
            .ToListAsync(cancellationToken);
    }

    public async Task<int> UnreadCountAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.CountAsync(n => n.UserId == actor.UserId && n.ReadAt == null, cancellationToken);
    }

    public async Task<IReadOnlyList<Notification>> ListAsync(Actor actor, long? before = null, int limit = 30, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Notifications.AsNoTracking()
            .Where(n => n.UserId == actor.UserId && (before == null || n.Id < before))
            .OrderByDescending(n => n.Id)
            .Take(Math.Clamp(limit, 1, 100))
            .ToListAsync(cancellationToken);
    }

    public async Task MarkReadAsync(Actor actor, long? id = null, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await db.Notifications.Where(n => n.UserId == actor.UserId && n.ReadAt == null && (id == null || n.Id == id))
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.ReadAt, now), cancellationToken);
    }

    public static string[] ArgsOf(Notification notification) => JsonSerializer.Deserialize<string[]>(notification.Args) ?? [];

    // Readable in the database: Chinese stays Chinese.
    private static readonly JsonSerializerOptions ArgsJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
