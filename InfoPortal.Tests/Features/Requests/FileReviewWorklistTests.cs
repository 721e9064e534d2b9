using System.Net;
using System.Net.Http.Json;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Screening;
using InfoPortal.Tests.Features.Screening;
using InfoPortal.Tests.TestSupport;
using InfoPortal.Infrastructure.Files;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Requests;

/// <summary>
/// Fail closed needs a way out (ADR 0024, 0059): a submission refused because a file could not be
/// screened tells the 保密员 once, and the file waits on their worklist — drafts included, which they
/// cannot open as a request — until they record a manual review; then the officer can submit.
/// </summary>
public sealed class FileReviewWorklistTests
{
    private const string Path = "/api/v1/attachments/manual-review";

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task RefusedSubmission_PutsTheFileOnTheSecrecyOfficersWorklist_UntilReviewed(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        var id = await officer.DraftAsync("附扫描件的稿件");
        var scan = await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, id, "盖章文件.pdf", ScreeningFixtures.ScannedPdf(2)), HttpStatusCode.OK);
        var attachmentId = scan.GetProperty("id").GetInt32();
        // A readable file of another draft never shows.
        var other = await officer.DraftAsync("附正常文件的稿件");
        await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, other, "通知.pdf", ScreeningFixtures.Pdf("春季检查情况通报")), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(other), HttpStatusCode.OK);

        // Refused twice: one notice to the secrecy officer, not two.
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        await using (var db = app.CreateDbContext())
        {
            var secrecyId = await db.Users.Where(u => u.UserName == "secrecy").Select(u => u.Id).SingleAsync();
            var notice = await db.Notifications.SingleAsync(n => n.Kind == NotificationKinds.FileAwaitsReview);
            Assert.Equal((secrecyId, ManualFileReviewService.PagePath), (notice.UserId, notice.Href));
            Assert.Equal(["附扫描件的稿件", "盖章文件.pdf"], NotificationService.ArgsOf(notice));
        }

        var pending = (await ApiClient.EnsureAsync(await secrecy.Http.GetAsync(Path), HttpStatusCode.OK)).EnumerateArray().ToList();
        var row = Assert.Single(pending);
        Assert.Equal((attachmentId, "盖章文件.pdf", AttachmentTextExtractor.Scanned, id, "附扫描件的稿件", "Draft"),
            (row.GetProperty("attachmentId").GetInt32(), row.GetProperty("fileName").GetString(), row.GetProperty("note").GetString(),
             row.GetProperty("requestId").GetInt32(), row.GetProperty("requestTitle").GetString(), row.GetProperty("requestStatus").GetString()));
        Assert.False(string.IsNullOrEmpty(row.GetProperty("department").GetString()));
        Assert.False(string.IsNullOrEmpty(row.GetProperty("officer").GetString()));

        // Only the secrecy officer holds the worklist; the file itself opens for them, draft or not.
        await ApiClient.EnsureAsync(await depthead.Http.GetAsync(Path), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await officer.Http.GetAsync(Path), HttpStatusCode.Forbidden);
        Assert.Equal(HttpStatusCode.OK, (await secrecy.Http.GetAsync($"/files/{attachmentId}")).StatusCode);

        await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync($"/api/v1/attachments/{attachmentId}/manual-review",
            new { reason = "已逐页人工审阅扫描件，未发现涉密内容。" }), HttpStatusCode.OK);
        Assert.Empty((await ApiClient.EnsureAsync(await secrecy.Http.GetAsync(Path), HttpStatusCode.OK)).EnumerateArray());
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
    }

    [Fact]
    public async Task AMissingFile_IsNotOnTheWorklist_AndTellsNobody()
    {
        // A missing file cannot be read by hand (it must be restored): no notice, no row to act on.
        await using var app = new PortalFactory();
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        var id = await officer.DraftAsync("文件丢失的稿件");
        // The file was "uploaded on another instance": its row is here, its bytes are not.
        var uploaded = await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, id, "通知.txt", "春季检查工作通知。"u8.ToArray()), HttpStatusCode.OK);
        File.Delete(app.Services.GetRequiredService<FileStore>().PathOf(uploaded.GetProperty("sha256").GetString()!));

        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        Assert.Empty((await ApiClient.EnsureAsync(await secrecy.Http.GetAsync(Path), HttpStatusCode.OK)).EnumerateArray());
        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.Notifications.AnyAsync(n => n.Kind == NotificationKinds.FileAwaitsReview));
        }
    }
}
