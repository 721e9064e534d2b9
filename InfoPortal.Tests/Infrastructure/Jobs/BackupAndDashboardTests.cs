using System.Net;
using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Infrastructure.Web;
using InfoPortal.Tests.TestSupport;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Infrastructure.Jobs;

public sealed class BackupJobTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Backup_MakesReadableDatedCopies_KeepsNewestN_OrSkipsOnPostgres(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider, f => f.With("Jobs:Backup:Keep", "2"));
        var runner = app.Services.GetRequiredService<JobRunner>();
        var days = Enumerable.Range(23, 4).Select(d => new JobPeriod(PeriodKind.Day, new DateTime(2026, 11, d))).ToList();
        var results = new List<JobRunResult>();
        foreach (var day in days)
        {
            results.Add(await runner.RunAsync(BackupJob.JobName, day, "test"));
        }

        // The same day again replaces its copy.
        results.Add(await runner.RunAsync(BackupJob.JobName, days[^1], "test"));
        await using var db = app.CreateDbContext();
        var folder = Path.Combine(app.DataFolder, "backups");
        if (provider == "Postgres")
        {
            Assert.All(results, r => Assert.Equal(JobOutcome.Skipped, r.Outcome));
            Assert.Contains("pg_dump", results[0].Summary, StringComparison.Ordinal);
            Assert.False(Directory.Exists(folder));
            Assert.Equal(4, await db.JobPeriods.CountAsync(p => p.JobName == BackupJob.JobName));
            return;
        }

        Assert.All(results, r => Assert.Equal(JobOutcome.Succeeded, r.Outcome));
        var files = Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["portal-2026-11-25.db", "portal-2026-11-26.db"], files);
        var newest = Path.Combine(folder, "portal-2026-11-26.db");
        Assert.Contains($"portal-2026-11-26.db {new FileInfo(newest).Length} bytes", results[^1].Summary, StringComparison.Ordinal);

        // A real SQLite database with the portal's data in it.
        await using (var copy = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = newest, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString()))
        {
            await copy.OpenAsync();
            await using var command = copy.CreateCommand();
            command.CommandText = "SELECT count(*) FROM AspNetUsers";
            Assert.Equal(await db.Users.CountAsync(), Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
            command.CommandText = "PRAGMA integrity_check";
            Assert.Equal("ok", await command.ExecuteScalarAsync());
        }

        Assert.Equal(4, await db.JobPeriods.CountAsync(p => p.JobName == BackupJob.JobName));
        Assert.Equal(5, await db.JobRuns.CountAsync(r => r.JobName == BackupJob.JobName));
    }
}

[Collection(HangfireTestGroup.Name)]
public sealed class HangfireDashboardTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Dashboard_SysAdminFull_AssessorReadOnly_OthersRefused(string provider)
    {
        // The server registers the recurring jobs the dashboard lists; nothing is due in the test.
        await using var app = await PortalFactory.CreateAsync(provider, f => f
            .With("Jobs:RunServer", "true")
            .With("Jobs:scheduled-publishing:Enabled", "false"));

        using var anonymous = app.CreatePortalClient();
        var refused = await anonymous.GetAsync("/hangfire");
        Assert.True(refused.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Unauthorized, refused.StatusCode.ToString());
        if (refused.StatusCode == HttpStatusCode.Redirect)
        {
            Assert.Contains("/account/login", refused.Headers.Location!.ToString(), StringComparison.OrdinalIgnoreCase);
        }

        using var officer = app.CreatePortalClient();
        await officer.SignInAsync("officer");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/hangfire")).StatusCode);

        using var admin = app.CreatePortalClient();
        await admin.SignInAsync("sysadmin");
        var home = await admin.GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        var adminPage = await (await admin.GetAsync("/hangfire/recurring")).Content.ReadAsStringAsync();
        Assert.Contains(BackupJob.JobName, adminPage, StringComparison.Ordinal);
        Assert.Contains("recurring/trigger", adminPage, StringComparison.Ordinal);

        // Our CSP stays on and the dashboard needs no inline script to work under it.
        Assert.Equal(SecurityHeaders.ContentSecurityPolicy, home.Headers.GetValues("Content-Security-Policy").Single());
        var html = await home.Content.ReadAsStringAsync();
        Assert.DoesNotMatch(new System.Text.RegularExpressions.Regex("<script(?![^>]*\\bsrc=)[^>]*>"), html);

        using var assessor = app.CreatePortalClient();
        await assessor.SignInAsync("assessor");
        var assessorPage = await assessor.GetAsync("/hangfire/recurring");
        Assert.Equal(HttpStatusCode.OK, assessorPage.StatusCode);
        var assessorHtml = await assessorPage.Content.ReadAsStringAsync();
        Assert.Contains(BackupJob.JobName, assessorHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("recurring/trigger", assessorHtml, StringComparison.Ordinal);

        // With a valid antiforgery token the admin's trigger is accepted and the assessor's refused.
        var adminTrigger = await TriggerAsync(admin, adminPage);
        Assert.True(adminTrigger.IsSuccessStatusCode, $"{adminTrigger.StatusCode}: {await adminTrigger.Content.ReadAsStringAsync()}");
        // (Hangfire answers a command on a read-only dashboard with 401.)
        Assert.Equal(HttpStatusCode.Unauthorized, (await TriggerAsync(assessor, assessorHtml)).StatusCode);
    }

    private static async Task<HttpResponseMessage> TriggerAsync(HttpClient client, string page)
    {
        var header = System.Text.RegularExpressions.Regex.Match(page, "<meta name=\"csrf-header\" content=\"([^\"]+)\"").Groups[1].Value;
        var token = System.Text.RegularExpressions.Regex.Match(page, "<meta name=\"csrf-token\" content=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(header);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hangfire/recurring/trigger")
        {
            Content = new FormUrlEncodedContent([new("jobs[]", BackupJob.JobName)]),
        };
        request.Headers.Add(header, System.Net.WebUtility.HtmlDecode(token));
        return await client.SendAsync(request);
    }
}

/// <summary>
/// Hangfire keeps process-wide state (GlobalConfiguration, filters) next to each host's own storage;
/// tests that start a Hangfire server or post to the dashboard run on their own, not beside other hosts.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class HangfireTestGroup
{
    public const string Name = "Hangfire";
}
