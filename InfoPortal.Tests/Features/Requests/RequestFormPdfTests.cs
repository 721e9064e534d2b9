using System.Net;
using System.Net.Http.Headers;
using InfoPortal.Tests.Infrastructure.Pdf;
using InfoPortal.Tests.TestSupport;
using UglyToad.PdfPig;

namespace InfoPortal.Tests.Features.Requests;

/// <summary>The 申请表 PDF through the API: every field, the approval record, the hashes, who may fetch it.</summary>
public sealed class RequestFormPdfTests(RequestFormPdfTests.Fixture fixture) : IClassFixture<RequestFormPdfTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    private PortalFactory App => fixture;

    private async Task<int> ApprovedRequestAsync(ApiClient officer)
    {
        using var depthead = await ApiClient.SignInAsync(App, "depthead");
        using var director = await ApiClient.SignInAsync(App, "director");
        var id = await officer.DraftAsync("县局开展春季药品安全检查", body: "<p>县局组织开展春季药品安全检查，共检查零售药店<b>32</b>家。</p>", eventDate: new DateOnly(2026, 11, 20));
        using var form = new MultipartFormDataContent();
        // A real PDF: screening fails closed on a file whose text it cannot read (issue 10 item 11).
        var file = new ByteArrayContent(Screening.ScreeningFixtures.Pdf("检查情况通报"));
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", "检查通报.pdf");
        form.Add(new StringContent("检查情况通报原件"), "caption");
        await ApiClient.EnsureAsync(await officer.Http.PostAsync($"/api/v1/requests/{id}/attachments", form), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id, "内容属实，同意报送。"), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id, "同意发布。"), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(App, id, director); // the internet needs a leader (ADR 0045)
        return id;
    }

    [Fact]
    public async Task FormPdf_ForItsOfficer_HoldsEveryFieldTheRecordAndTheHashes()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        var id = await ApprovedRequestAsync(officer);
        var detail = await officer.GetAsync(id);

        var response = await officer.Http.GetAsync($"/api/v1/requests/{id}/form.pdf");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"request-{id}-form.pdf", response.Content.Headers.ContentDisposition?.ToString(), StringComparison.Ordinal);
        var bytes = await response.Content.ReadAsByteArrayAsync();

        using var pdf = PdfDocument.Open(bytes);
        var text = string.Concat(pdf.GetPages().Select(p => PdfComposerTests.Squash(p.Text)));
        string[] expected =
        [
            "网上发布信息申请表", $"编号{id}", "县局开展春季药品安全检查", "工作动态", "文字", "综合股", "张信息", "一般",
            "2026-11-20", "县局办公室", "县局组织开展春季药品安全检查，共检查零售药店32家。",
            "本信息不涉及国家秘密、工作秘密和个人隐私，谁发布谁负责。",
            "检查通报.pdf", "检查情况通报原件",
            "李综合", "内容属实，同意报送。", "孙主任", "同意发布。", "部门负责人", "办公室主任",
            "保密审查结果", "第1页/共",
        ];
        Assert.All(expected, e => Assert.Contains(PdfComposerTests.Squash(e), text));
        // Content and attachment hashes: the version signed by both reviewers and the file's SHA-256.
        var contentHash = detail.GetProperty("contentSha256").GetString()!;
        Assert.True(System.Text.RegularExpressions.Regex.Count(text, contentHash) >= 3, "content hash on the form and in both signatures");
        var attachmentHash = detail.GetProperty("attachments")[0].GetProperty("sha256").GetString()!;
        Assert.Contains(attachmentHash, text);
        var submitted = text.IndexOf("提交时间", StringComparison.Ordinal);
        Assert.Matches("^提交时间\\d{4}-\\d{2}-\\d{2}\\d{2}:\\d{2}", text[submitted..]);
        Assert.All(pdf.GetPages().SelectMany(p => p.Letters).Select(l => l.FontName ?? "").Distinct(), f => Assert.Matches("^[A-Z]{6}\\+Noto Sans SC", f));
    }

    [Fact]
    public async Task FormPdf_ForAnotherDepartment_Is404()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        var id = await officer.DraftAsync("综合股内部草稿");
        using var other = await ApiClient.SignInAsync(App, "officer2");
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.GetAsync($"/api/v1/requests/{id}/form.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetResponseAsync(id)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.Http.GetAsync($"/api/v1/requests/{id}/form.pdf")).StatusCode);
    }

    [Fact]
    public async Task OfficeFormPdf_ForARequestTheUserMayNotSee_Is404NotA500()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        var id = await officer.DraftAsync("综合股内部草稿（打印）");

        // The print button's cookie route, as a browser of another department would call it.
        using var other = App.CreatePortalClient();
        await other.SignInAsync("officer2");
        var refused = await other.GetAsync($"/office/requests/{id}/form.pdf");
        Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        Assert.DoesNotContain("Exception", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync("/office/requests/999999/form.pdf")).StatusCode);

        using var own = App.CreatePortalClient();
        await own.SignInAsync("officer");
        var allowed = await own.GetAsync($"/office/requests/{id}/form.pdf");
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("application/pdf", allowed.Content.Headers.ContentType?.MediaType);
    }
}
