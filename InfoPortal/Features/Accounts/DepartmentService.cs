using InfoPortal.Infrastructure.Security;
using InfoPortal.Data;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Accounts;

/// <summary>Departments (部门 / 股室) and their heads. Reading is for every user; changes are the system administrator's.</summary>
public sealed class DepartmentService(IDbContextFactory<PortalDbContext> dbFactory, AuditLog audit, IStringLocalizer<SharedResource> L, TimeProvider clock)
{
    public async Task<IReadOnlyList<DepartmentSummary>> ListAsync(bool includeInactive = false, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Departments.AsNoTracking()
            .Where(d => includeInactive || d.IsActive)
            .OrderBy(d => d.SortOrder).ThenBy(d => d.Id)
            .Select(d => new DepartmentSummary(
                d.Id, d.Name, d.HeadUserId,
                db.Users.Where(u => u.Id == d.HeadUserId).Select(u => u.DisplayName).FirstOrDefault(),
                d.SortOrder, d.IsActive,
                db.Users.Count(u => u.DepartmentId == d.Id)))
            .ToListAsync(cancellationToken);
    }

    public async Task<string?> GetNameAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Departments.Where(d => d.Id == id).Select(d => d.Name).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task<int> CreateAsync(Actor actor, DepartmentInput input, CancellationToken cancellationToken = default)
    {
        AccountService.EnsureAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await ValidateAsync(db, input, null, cancellationToken);
        var department = new Department { Name = input.Name.Trim(), SortOrder = input.SortOrder, HeadUserId = input.HeadUserId, CreatedAt = clock.GetUtcNow() };
        db.Departments.Add(department);
        // The record names the new id, so the department is saved first, in the same transaction (ADR 0021).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveChangesAsync(CancellationToken.None);
        audit.Stage(db, actor, AuditActions.DepartmentCreated, $"department:{department.Id}", AuditOutcome.Success, department.Name);
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return department.Id;
    }

    public async Task UpdateAsync(Actor actor, int id, DepartmentInput input, CancellationToken cancellationToken = default)
    {
        AccountService.EnsureAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var department = await db.Departments.SingleOrDefaultAsync(d => d.Id == id, cancellationToken)
            ?? throw new NotFoundException(L["Departments.NotFound"]);
        await ValidateAsync(db, input, id, cancellationToken);
        var changes = new List<string>();
        if (department.Name != input.Name.Trim()) changes.Add($"name: {department.Name} → {input.Name.Trim()}");
        if (department.HeadUserId != input.HeadUserId) changes.Add($"head: {department.HeadUserId} → {input.HeadUserId}");
        if (department.SortOrder != input.SortOrder) changes.Add($"order: {department.SortOrder} → {input.SortOrder}");
        if (department.IsActive != input.IsActive) changes.Add($"active: {department.IsActive} → {input.IsActive}");
        department.Name = input.Name.Trim();
        department.HeadUserId = input.HeadUserId;
        department.SortOrder = input.SortOrder;
        department.IsActive = input.IsActive;
        if (changes.Count > 0)
        {
            audit.Stage(db, actor, AuditActions.DepartmentUpdated, $"department:{id}", AuditOutcome.Success, string.Join("; ", changes));
        }

        await db.SaveChangesAsync(CancellationToken.None);
    }

    private async Task ValidateAsync(PortalDbContext db, DepartmentInput input, int? id, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name.Trim();
        if (name.Length is 0 or > 100)
        {
            errors["name"] = [L["Departments.NameRequired"]];
        }
        else if (await db.Departments.AnyAsync(d => d.Name == name && d.Id != id, cancellationToken))
        {
            errors["name"] = [L["Departments.NameTaken"]];
        }

        if (input.HeadUserId is { } head && !await db.Users.AnyAsync(u => u.Id == head && u.DepartmentId == id, cancellationToken))
        {
            errors["headUserId"] = [L["Departments.HeadMustBeMember"]];
        }

        if (id is not null && !input.IsActive && await db.Users.AnyAsync(u => u.DepartmentId == id && !u.IsDisabled, cancellationToken))
        {
            errors["isActive"] = [L["Departments.HasActiveUsers"]];
        }

        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, string.Join(" ", errors.Values.SelectMany(v => v)));
        }
    }
}

public sealed record DepartmentInput(string Name, int? HeadUserId, int SortOrder, bool IsActive = true);

public sealed record DepartmentSummary(int Id, string Name, int? HeadUserId, string? HeadName, int SortOrder, bool IsActive, int MemberCount);
