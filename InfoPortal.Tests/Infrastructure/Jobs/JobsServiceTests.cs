using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Jobs;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Infrastructure.Jobs;

public sealed class JobsServiceTests
{
    private static Actor Actor(string name, string role) => new(null, name, name, null, new HashSet<string> { role }, "127.0.0.1");

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RunNow_SysAdminRunsAndIsAudited_AssessorReadsOnly_OfficerRefused(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        await using var scope = app.Services.CreateAsyncScope();
        var jobs = scope.ServiceProvider.GetRequiredService<JobsService>();
        var admin = Actor("sysadmin", Roles.SystemAdmin);
        var assessor = Actor("assessor", Roles.Assessor);

        var run = await jobs.RunNowAsync(admin, BackupJob.JobName, "2026-11-26");
        Assert.NotEqual(JobOutcome.Failed, run.Outcome);
        await Assert.ThrowsAsync<ValidationFailedException>(() => jobs.RunNowAsync(admin, BackupJob.JobName, "2026-11"));
        await Assert.ThrowsAsync<ForbiddenException>(() => jobs.RunNowAsync(assessor, BackupJob.JobName, "2026-11-26"));
        await Assert.ThrowsAsync<ForbiddenException>(() => jobs.OverviewAsync(Actor("officer", Roles.Officer)));

        var overview = await jobs.OverviewAsync(assessor);
        var backup = overview.Jobs.Single(j => j.Name == BackupJob.JobName);
        Assert.Equal("2026-11-26", backup.LastCompleted);
        Assert.Contains(overview.Jobs, j => j.Name == "scheduled-publishing" && j.IsSweep);
        Assert.Contains(overview.Jobs, j => j.Name == "overdue-reminders");
        Assert.Equal("Manual:sysadmin", Assert.Single(overview.Runs).Trigger);

        await using var db = app.CreateDbContext();
        var audits = await db.AuditRecords.Where(a => a.Action == "JobRunManual").OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(2, audits.Count);
        Assert.Equal("sysadmin", audits[0].ActorName);
        Assert.Equal(InfoPortal.Features.Audit.AuditOutcome.Refused, audits[1].Outcome);
        // The request is on record before the run: it precedes the outcome in the chain.
        var requested = await db.AuditRecords.SingleAsync(a => a.Action == "JobRunRequested");
        Assert.Equal(("sysadmin", $"job:{BackupJob.JobName}", "2026-11-26"), (requested.ActorName, requested.Target, requested.Detail));
        Assert.True(requested.Sequence < audits[0].Sequence);
    }
}
