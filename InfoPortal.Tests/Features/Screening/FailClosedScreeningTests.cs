using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InfoPortal.Infrastructure.Files;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>
/// Issue 10 item 11 and issue 13 item 1: a zip bomb is refused at upload, and screening fails
/// closed — a file whose text could not be read, or whose file is missing from the store, blocks
/// submit and approval until the 保密员 has reviewed it by hand (recorded in the audit chain).
/// </summary>
public sealed class FailClosedScreeningTests
{
    /// <summary>A .docx whose word/document.xml inflates to <paramref name="inflated"/> bytes of spaces (1 MB-ish on the wire per GiB).</summary>
    private static byte[] ZipBombDocx(long inflated)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            void Small(string name, string text)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open(), new UTF8Encoding(false));
                writer.Write(text);
            }

            Small("[Content_Types].xml", """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>""");
            Small("_rels/.rels", """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>""");
            using var document = zip.CreateEntry("word/document.xml", CompressionLevel.SmallestSize).Open();
            document.Write("""<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>"""u8);
            var spaces = new byte[1024 * 1024];
            Array.Fill(spaces, (byte)' ');
            for (long written = 0; written < inflated; written += spaces.Length)
            {
                document.Write(spaces);
            }

            document.Write("""</w:t></w:r></w:p></w:body></w:document>"""u8);
        }

        return stream.ToArray();
    }

    private static int StoredFiles(PortalFactory app) =>
        Directory.Exists(Path.Combine(app.DataFolder, "files")) ? Directory.EnumerateFiles(Path.Combine(app.DataFolder, "files"), "*", SearchOption.AllDirectories).Count() : 0;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ZipBomb_IsRefusedAtUpload_WithA422_AndNothingIsStored(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var id = await officer.DraftAsync("带压缩炸弹附件的稿件");
        var bomb = ZipBombDocx(1024L * 1024 * 1024);
        Assert.True(bomb.Length < 4 * 1024 * 1024, $"the bomb is small on the wire ({bomb.Length} bytes)");
        var filesBefore = StoredFiles(app);

        var started = DateTime.UtcNow;
        var problem = await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, id, "简报.docx", bomb), (HttpStatusCode)422);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(20), "refused without inflating the gigabyte");
        Assert.Equal("file_not_screenable", problem.GetProperty("code").GetString());
        Assert.Contains("压缩炸弹", problem.GetProperty("detail").GetString());

        Assert.Equal(filesBefore, StoredFiles(app));
        await using var db = app.CreateDbContext();
        Assert.False(await db.Attachments.AnyAsync(a => a.RequestId == id));
        Assert.Equal(1, await db.AuditRecords.CountAsync(a => a.Action == "AttachmentRefused" && a.Target == $"request:{id}"));

        // A normal .docx still uploads.
        await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, id, "简报.docx", ScreeningFixtures.DocxWithHeader("春季检查工作简报。", "综合股")), HttpStatusCode.OK);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task UnreadableFile_BlocksSubmit_UntilTheSecrecyOfficerReviewsItByHand(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        var id = await officer.DraftAsync("附件无法读取的稿件");
        var uploaded = await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, id, "扫描件.pdf", Encoding.ASCII.GetBytes("%PDF-1.7\n this is not really a pdf")), HttpStatusCode.OK);
        var attachmentId = uploaded.GetProperty("id").GetInt32();

        // Blocked, with a message that names the file and the way out; the officer cannot claim it away.
        var blocked = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        Assert.Equal("blocked_by_screening", blocked.GetProperty("code").GetString());
        Assert.Contains("扫描件.pdf", blocked.GetProperty("detail").GetString());
        Assert.Contains("保密员", blocked.GetProperty("detail").GetString());
        var hit = blocked.GetProperty("hits").EnumerateArray().Single();
        Assert.Equal(("unreadable", "Block"), (hit.GetProperty("category").GetString(), hit.GetProperty("level").GetString()));
        var claim = await officer.Http.PostAsJsonAsync($"/api/v1/requests/{id}/submit", new { overrides = new[] { new { term = hit.GetProperty("term").GetString(), reason = "文件是扫描件，没有问题。" } } });
        await ApiClient.EnsureAsync(claim, (HttpStatusCode)422);
        Assert.Equal("Draft", (await officer.GetAsync(id)).GetProperty("status").GetString());

        // Only the 保密员 reviews by hand, with a written conclusion; they can open the draft's file to read it.
        var review = (string? reason) => new { reason };
        await ApiClient.EnsureAsync(await officer.Http.PostAsJsonAsync($"/api/v1/attachments/{attachmentId}/manual-review", review("我看过了")), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await depthead.Http.PostAsJsonAsync($"/api/v1/attachments/{attachmentId}/manual-review", review("我看过了")), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync($"/api/v1/attachments/{attachmentId}/manual-review", review("  ")), HttpStatusCode.BadRequest);
        Assert.Equal(HttpStatusCode.OK, (await secrecy.Http.GetAsync($"/files/{attachmentId}")).StatusCode);
        var recorded = await ApiClient.EnsureAsync(
            await secrecy.Http.PostAsJsonAsync($"/api/v1/attachments/{attachmentId}/manual-review", review("已逐页人工审阅扫描件，未发现涉密内容。")), HttpStatusCode.OK);
        Assert.Equal("secrecy", recorded.GetProperty("reviewedBy").GetString());

        // Now it proceeds, and the screening result says who read the file and what they concluded.
        var submitted = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        var note = submitted.GetProperty("screening").GetProperty("notes").EnumerateArray().Single();
        Assert.Equal("Screening.Extract.Failed", note.GetProperty("key").GetString());
        Assert.Equal("secrecy", note.GetProperty("reviewedBy").GetString());
        Assert.Equal("已逐页人工审阅扫描件，未发现涉密内容。", note.GetProperty("reviewNote").GetString());
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);

        // Recorded in the audit chain, which still verifies.
        await using var db = app.CreateDbContext();
        Assert.Equal(1, await db.AuditRecords.CountAsync(a => a.Action == "AttachmentManuallyReviewed" && a.ActorName == "secrecy"));
        Assert.Equal(1, await db.AuditRecords.CountAsync(a => a.Action == "ScreeningFileCleared" && a.Target == $"request:{id}"));
        using var auditor = await ApiClient.SignInAsync(app, "auditor");
        Assert.True((await auditor.Http.GetFromJsonAsync<JsonElement>("/api/v1/audit/verify")).GetProperty("ok").GetBoolean());

        // A readable file needs no manual review.
        var clean = await officer.DraftAsync("附件正常的稿件");
        var txt = await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, clean, "说明.txt", "春季检查工作说明。"u8.ToArray()), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync($"/api/v1/attachments/{txt.GetProperty("id").GetInt32()}/manual-review", review("看过")), HttpStatusCode.Conflict);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task MissingFile_BlocksSubmitAndApproval_AndCannotBeClearedByHand(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        var id = await officer.DraftAsync("附件在另一实例上的稿件");

        // The file was "uploaded on another instance": its row is here, its bytes are not.
        var good = await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, id, "通知2.txt", "春季检查工作通知。"u8.ToArray()), HttpStatusCode.OK);
        var goodPath = app.Services.GetRequiredService<FileStore>().PathOf(good.GetProperty("sha256").GetString()!);
        var goodBytes = await File.ReadAllBytesAsync(goodPath);
        File.Delete(goodPath);

        var blocked = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        Assert.Equal("Screening.Extract.Missing", blocked.GetProperty("hits").EnumerateArray().Single().GetProperty("term").GetString());
        Assert.Contains("通知2.txt", blocked.GetProperty("detail").GetString());
        var notClearable = await ApiClient.EnsureAsync(
            await secrecy.Http.PostAsJsonAsync($"/api/v1/attachments/{good.GetProperty("id").GetInt32()}/manual-review", new { reason = "看过" }), HttpStatusCode.Conflict);
        Assert.Contains("缺失", notClearable.GetProperty("detail").GetString());

        // The file comes back: submit passes. Then this instance loses both the file and its extracted
        // text (another instance's upload, never read here): the head's approval is blocked.
        await File.WriteAllBytesAsync(goodPath, goodBytes);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        File.Delete(goodPath);
        await using (var db = app.CreateDbContext())
        {
            await db.AttachmentTexts.Where(t => t.Sha256 == good.GetProperty("sha256").GetString()).ExecuteDeleteAsync();
        }

        var approval = await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), (HttpStatusCode)422);
        Assert.Contains("通知2.txt", approval.GetProperty("detail").GetString());
        Assert.Equal("DeptHead", (await officer.GetAsync(id)).GetProperty("currentStep").GetProperty("role").GetString());
        await File.WriteAllBytesAsync(goodPath, goodBytes);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
    }
}
