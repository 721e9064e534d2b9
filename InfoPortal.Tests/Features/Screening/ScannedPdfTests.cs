using System.Net;
using System.Net.Http.Json;
using InfoPortal.Features.Screening;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>
/// A scanned, image-only PDF carries its words in pixels the screening cannot read: it is "not
/// screenable by machine" and blocks like any unreadable file until the 保密员 reviews it by hand
/// (ADR 0029). A PDF with images and real text is screened as text, as before.
/// </summary>
public sealed class ScannedPdfTests
{
    [Fact]
    public void Extract_OfAnImageOnlyPdf_IsNotedAsScanned_AndBlocks()
    {
        using var stream = new MemoryStream(ScreeningFixtures.ScannedPdf(3));
        var extracted = AttachmentTextExtractor.Extract(stream, "application/pdf");
        Assert.Equal(AttachmentTextExtractor.Scanned, extracted.Note);
        Assert.True(AttachmentTextExtractor.BlocksScreening(extracted.Note));
        Assert.True(AttachmentTextExtractor.MayBeReviewedByHand(extracted.Note));
    }

    [Fact]
    public void Extract_OfAScanWithOnlyAPageNumber_IsStillScanned()
    {
        using var stream = new MemoryStream(ScreeningFixtures.ScannedPdf(2, "第 1 页"));
        Assert.Equal(AttachmentTextExtractor.Scanned, AttachmentTextExtractor.Extract(stream, "application/pdf").Note);
    }

    [Fact]
    public void Extract_OfAPdfWithAnImageAndRealText_IsScreenedAsText()
    {
        using var stream = new MemoryStream(ScreeningFixtures.ScannedPdf(1, "县局召开药品安全专题会议，部署春季检查工作，要求各股室按期报送。"));
        var extracted = AttachmentTextExtractor.Extract(stream, "application/pdf");
        Assert.Null(extracted.Note);
        Assert.Contains("药品安全", string.Concat(extracted.Parts.Select(p => p.Text)).Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Text-only PDFs are unaffected.
        using var text = new MemoryStream(ScreeningFixtures.Pdf("春季检查情况通报"));
        Assert.Null(AttachmentTextExtractor.Extract(text, "application/pdf").Note);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ScannedPdf_BlocksSubmit_UntilTheSecrecyOfficerReviewsItByHand(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var secrecy = await ApiClient.SignInAsync(app, "secrecy");
        var id = await officer.DraftAsync("附扫描件的稿件");
        var uploaded = await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, id, "盖章文件.pdf", ScreeningFixtures.ScannedPdf(2)), HttpStatusCode.OK);
        var attachmentId = uploaded.GetProperty("id").GetInt32();

        var blocked = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), (HttpStatusCode)422);
        Assert.Equal("blocked_by_screening", blocked.GetProperty("code").GetString());
        Assert.Contains("盖章文件.pdf", blocked.GetProperty("detail").GetString());
        var hit = blocked.GetProperty("hits").EnumerateArray().Single();
        Assert.Equal(("unreadable", "Block"), (hit.GetProperty("category").GetString(), hit.GetProperty("level").GetString()));

        await ApiClient.EnsureAsync(await secrecy.Http.PostAsJsonAsync($"/api/v1/attachments/{attachmentId}/manual-review",
            new { reason = "已逐页人工审阅扫描件，未发现涉密内容。" }), HttpStatusCode.OK);
        var submitted = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        var note = submitted.GetProperty("screening").GetProperty("notes").EnumerateArray().Single();
        Assert.Equal(AttachmentTextExtractor.Scanned, note.GetProperty("key").GetString());
        Assert.Equal("secrecy", note.GetProperty("reviewedBy").GetString());
    }
}
