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
        // Scripts ask for the stable codes (header and values).
        var response = await auditor.GetAsync("/audit/export.csv?action=SignIn&codes=true");
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

    [Theory]
    [InlineData("zh-CN", "编号,序号,\"时间（UTC）\",用户编号,操作人,\"IP 地址\",操作,对象,结果,详情,前一条哈希,本条哈希", "登录", "成功")]
    [InlineData("en-US", "\"No.\",Sequence,\"Time (UTC)\",\"User no.\",User,\"IP address\",Action,Target,Outcome,Detail,\"Previous hash\",Hash", "Sign-in", "Success")]
    public async Task Auditor_ExportsCsv_WithHeadersAndNamesInTheirLanguage(string culture, string header, string signIn, string success)
    {
        await using var app = new PortalFactory();
        using var auditor = app.CreatePortalClient();
        await auditor.SignInAsync("auditor");
        var csv = await auditor.GetStringAsync($"/audit/export.csv?action=SignIn&culture={culture}&ui-culture={culture}");
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).ToList();
        var expected = string.Join(',', header.Split(',').Select(h => h.StartsWith('"') ? h : $"\"{h}\""));
        Assert.Equal(expected, lines[0]);
        Assert.DoesNotContain("at_utc", lines[0], StringComparison.Ordinal);
        var row = lines.Skip(1).First(l => l.Contains("\"auditor\"", StringComparison.Ordinal));
        Assert.Contains($"\"{signIn}\"", row, StringComparison.Ordinal);
        Assert.Contains($"\"{success}\"", row, StringComparison.Ordinal);
        Assert.DoesNotContain("\"SignIn\"", row, StringComparison.Ordinal);
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
