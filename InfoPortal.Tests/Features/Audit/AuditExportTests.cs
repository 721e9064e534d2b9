using System.Net;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Features.Audit;

public sealed class AuditExportTests
{
    [Fact]
    public async Task Auditor_ExportsCsv_WithEveryColumnAndFormulaInjectionDefused()
    {
        await using var app = new PortalFactory();
        using (var failing = app.CreatePortalClient())
        {
            // A user name that a spreadsheet would run as a formula.
            await failing.PostSignInAsync("=HYPERLINK(\"x\")", "whatever1A!");
        }

        using var auditor = app.CreatePortalClient();
        await auditor.SignInAsync("auditor");
        var response = await auditor.GetAsync("/audit/export.csv?action=SignIn");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var csv = await response.Content.ReadAsStringAsync();
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,sequence,at_utc,actor_id,actor,ip,action,target,outcome,detail,previous_hash,hash", lines[0].TrimEnd('\r'));
        Assert.Contains(lines, l => l.Contains("\"'=HYPERLINK", StringComparison.Ordinal));
        Assert.DoesNotContain(lines.Skip(1), l => l.Split(',')[6] != "\"SignIn\"");

        // The export itself is audited.
        using var api = await ApiClient.SignInAsync(app, "auditor");
        var records = JsonDocument.Parse(await api.Http.GetStringAsync("/api/v1/audit?limit=1000")).RootElement;
        Assert.Contains(records.EnumerateArray(), r => r.GetProperty("action").GetString() == "AuditExported");
    }

    [Fact]
    public async Task OpenApi_DescribesTheApi()
    {
        await using var app = new PortalFactory();
        using var client = app.CreatePortalClient();
        var json = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement;
        var paths = json.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/v1/auth/token", "/api/v1/me", "/api/v1/departments", "/api/v1/requests", "/api/v1/requests/{id}/decisions", "/api/v1/review-queue", "/api/v1/audit/verify" })
        {
            Assert.Contains(path, paths);
        }
    }
}
