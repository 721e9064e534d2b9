using System.Net;
using Bunit;
using InfoPortal.Data;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Screening;
using InfoPortal.Features.Screening.Pages;
using InfoPortal.Tests.Features.Screening;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Components;

/// <summary>
/// The 保密员's manual review of an unreadable attachment, from the screening panel (not only the
/// API): a reason is required, the conclusion is recorded in the audit chain, and other roles see
/// no form.
/// </summary>
public sealed class ManualReviewButtonTests
{
    private static async Task<(PortalFactory App, int RequestId, ScreeningReport Report)> ScannedDraftAsync()
    {
        var app = new PortalFactory();
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var id = await officer.DraftAsync("附扫描件的稿件");
        await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, id, "盖章文件.pdf", ScreeningFixtures.ScannedPdf(1)), HttpStatusCode.OK);
        await using var db = app.CreateDbContext();
        var request = await db.Requests.AsNoTracking().Include(r => r.Attachments).Include(r => r.Columns).SingleAsync(r => r.Id == id);
        var report = app.Services.GetRequiredService<ScreeningService>().Screen(request.CurrentContent, request.Attachments);
        return (app, id, report);
    }

    /// <summary>What the request page passes the panel: the real service, as the page's actor.</summary>
    private static Func<int, string?, Task<string?>> RecordWith(BunitContext ctx, InfoPortal.Infrastructure.Security.Actor actor) =>
        async (attachmentId, reason) => (await ctx.Services.GetRequiredService<ManualFileReviewService>().ReviewAsync(actor, attachmentId, reason)).Reason;

    [Fact]
    public async Task SecrecyOfficer_RecordsAManualReview_FromTheScreeningPanel()
    {
        var (app, id, report) = await ScannedDraftAsync();
        await using var _ = app;
        var note = Assert.Single(report.Notes!);
        Assert.Equal(AttachmentTextExtractor.Scanned, note.Key);

        await using var ctx = await ComponentTestContext.CreateAsync(app, "secrecy");
        var actor = await ctx.Services.GetRequiredService<InfoPortal.Infrastructure.Security.CurrentActor>().GetAsync();
        var reviewed = 0;
        var cut = ctx.Render<ScreeningHits>(p => p.Add(c => c.Report, report).Add(c => c.Reviewer, actor).Add(c => c.ReviewFile, RecordWith(ctx, actor))
            .Add(c => c.OnReviewed, () => reviewed++));

        // No reason: refused, with the reason in words, nothing recorded.
        await cut.Find("[data-test=manual-review-submit]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("人工审查结论", cut.Find("[data-test=manual-review]").TextContent));
        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.AuditRecords.AnyAsync(a => a.Action == AttachmentTextExtractor.ManualReviewAction));
        }

        cut.Find("[data-test=manual-review] textarea").Change("已逐页人工审阅扫描件，未发现涉密内容。");
        await cut.Find("[data-test=manual-review-submit]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("已记录人工审查结论", cut.Find("[data-test=manual-review-done]").TextContent));
        Assert.Equal(1, reviewed);
        await using (var db = app.CreateDbContext())
        {
            var record = await db.AuditRecords.SingleAsync(a => a.Action == AttachmentTextExtractor.ManualReviewAction);
            Assert.Equal(("secrecy", "已逐页人工审阅扫描件，未发现涉密内容。"), (record.ActorName, record.Detail));
            Assert.Equal(1, await db.AuditRecords.CountAsync(a => a.Action == "ScreeningFileCleared" && a.Target == $"request:{id}"));
        }
    }

    [Fact]
    public async Task OtherRoles_SeeNoManualReviewForm()
    {
        var (app, _, report) = await ScannedDraftAsync();
        await using var _ = app;
        await using var ctx = await ComponentTestContext.CreateAsync(app, "depthead");
        var actor = await ctx.Services.GetRequiredService<InfoPortal.Infrastructure.Security.CurrentActor>().GetAsync();
        var cut = ctx.Render<ScreeningHits>(p => p.Add(c => c.Report, report).Add(c => c.Reviewer, actor).Add(c => c.ReviewFile, RecordWith(ctx, actor)));
        Assert.Empty(cut.FindAll("[data-test=manual-review]"));
        Assert.NotEmpty(cut.FindAll("[data-test=screening-note]"));
    }
}
