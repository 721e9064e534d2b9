using System.Net;
using System.Net.Http.Headers;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Requests;
using InfoPortal.Tests.Infrastructure.Pdf;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace InfoPortal.Tests.Features.Requests;

/// <summary>
/// 制度 第十条(二)1 (issue 10 item 10): the provincial-approval step records the higher
/// authority's approval with its evidence — 批准机关, 批准文号, date, a scan and an opinion —
/// all of it or nothing; the printed 申请表 calls the step 上级审批 and prints the evidence.
/// </summary>
public sealed class ProvincialEvidenceTests
{
    /// <summary>Records the approval through the multipart endpoint; a PNG scan unless <paramref name="scan"/> says otherwise.</summary>
    public static Task<HttpResponseMessage> RecordAsync(ApiClient director, int id, string? authority, string? number, string? date, string? opinion, byte[]? scan = null, bool withScan = true)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, value) in new[] { ("approvingAuthority", authority), ("approvalNumber", number), ("approvalDate", date), ("opinion", opinion) })
        {
            if (value is not null)
            {
                form.Add(new StringContent(value), name);
            }
        }

        if (withScan)
        {
            var file = new ByteArrayContent(scan ?? TestFiles.Png());
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "scan", "批复扫描件.png");
        }

        return director.Http.PostAsync($"/api/v1/requests/{id}/provincial-approval", form);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ProvincialApproval_NeedsAllEvidence_StoresIt_AndPrintsItAs上级审批(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        await ActivateProvincialAsync(app);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var leader = await ApiClient.SignInAsync(app, "leader");
        using var director = await ApiClient.SignInAsync(app, "director");
        var id = await officer.DraftAsync("报省局审批的重要信息", "Important");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await leader.ApproveAsync(id, "同意，报省局审批。"), HttpStatusCode.OK);

        // Nothing given (an empty form): every missing field is named at once, and nothing is decided.
        var empty = await ApiClient.EnsureAsync(await RecordAsync(director, id, "", " ", "", "", withScan: false), HttpStatusCode.BadRequest);
        var errors = empty.GetProperty("errors");
        foreach (var field in new[] { "opinion", "approvingAuthority", "approvalNumber", "approvalDate", "scan" })
        {
            Assert.True(errors.TryGetProperty(field, out var messages), $"no error for {field}: {empty}");
            Assert.DoesNotContain("Review.Provincial", messages[0].GetString(), StringComparison.Ordinal);
        }

        // A date in the future, and a scan that is not a PDF or an image.
        var future = await ApiClient.EnsureAsync(await RecordAsync(director, id, "甘肃省农合办", "甘农合办〔2026〕12号", "2099-01-01", "同意"), HttpStatusCode.BadRequest);
        Assert.True(future.GetProperty("errors").TryGetProperty("approvalDate", out _));
        var exe = await ApiClient.EnsureAsync(await RecordAsync(director, id, "甘肃省农合办", "甘农合办〔2026〕12号", "2026-11-30", "同意", TestFiles.Exe()), HttpStatusCode.BadRequest);
        Assert.True(exe.GetProperty("errors").TryGetProperty("scan", out _));
        // The generic decision endpoint cannot skip the evidence either.
        await ApiClient.EnsureAsync(await director.ApproveAsync(id, "省局已批复。"), HttpStatusCode.BadRequest);
        Assert.Equal("InReview", (await officer.GetAsync(id)).GetProperty("status").GetString());

        var scan = TestFiles.Png(60, 80);
        var done = await ApiClient.EnsureAsync(await RecordAsync(director, id, "甘肃省农村合作医疗管理办公室", "甘农合办〔2026〕12号", "2026-11-30", "省局已批复同意。", scan), HttpStatusCode.OK);
        Assert.Equal("Approved", done.GetProperty("status").GetString());

        // The API shows the evidence; the scan downloads for whoever may see the request.
        var detail = await officer.GetAsync(id);
        var evidence = detail.GetProperty("decisions").EnumerateArray().Single(d => d.GetProperty("provincialApproval").ValueKind == System.Text.Json.JsonValueKind.Object).GetProperty("provincialApproval");
        Assert.Equal("甘肃省农村合作医疗管理办公室", evidence.GetProperty("authority").GetString());
        Assert.Equal("甘农合办〔2026〕12号", evidence.GetProperty("number").GetString());
        Assert.Equal("2026-11-30", evidence.GetProperty("date").GetString());
        var download = await officer.Http.GetAsync(evidence.GetProperty("scanUrl").GetString());
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);

        await using (var db = app.CreateDbContext())
        {
            var decision = await db.Decisions.SingleAsync(d => d.RequestId == id && d.StepKey == ReviewChain.ProvincialApprovalStep);
            Assert.Equal(new DateOnly(2026, 11, 30), decision.ApprovalDate);
            Assert.Equal(64, decision.ApprovalScanSha256!.Length);
            var audit = await db.AuditRecords.SingleAsync(a => a.Action == "RequestApproved" && a.Target == $"request:{id}" && a.Detail!.Contains("上级审批"));
            Assert.Contains("甘农合办〔2026〕12号", audit.Detail, StringComparison.Ordinal);
        }

        // The printed 申请表: the step is 上级审批 (not 办公室主任), with the authority, number and date.
        var pdf = await officer.Http.GetByteArrayAsync($"/api/v1/requests/{id}/form.pdf");
        using var document = PdfDocument.Open(pdf);
        var text = string.Concat(document.GetPages().Select(p => PdfComposerTests.Squash(p.Text)));
        foreach (var expected in new[] { "上级审批（办公室主任登记）", "甘肃省农村合作医疗管理办公室", "甘农合办〔2026〕12号", "2026-11-30", "省局已批复同意。" })
        {
            Assert.Contains(PdfComposerTests.Squash(expected), text);
        }
    }

    private static async Task ActivateProvincialAsync(PortalFactory app)
    {
        using var scope = app.Services.CreateScope();
        await using var db = app.CreateDbContext();
        var sysadmin = await db.Users.SingleAsync(u => u.UserName == "sysadmin");
        var admin = new Actor(sysadmin.Id, "sysadmin", sysadmin.DisplayName, sysadmin.DepartmentId, new HashSet<string> { Roles.SystemAdmin }, "127.0.0.1");
        await scope.ServiceProvider.GetRequiredService<ReviewChainService>().SetActiveAsync(admin, ReviewChain.Provincial);
    }
}
