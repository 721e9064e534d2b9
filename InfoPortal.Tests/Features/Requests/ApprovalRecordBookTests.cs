using System.Net;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Tests.Features.Statistics;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using UglyToad.PdfPig;

namespace InfoPortal.Tests.Features.Requests;

/// <summary>
/// Printing approval records (issue 14 item 8, ADR 0048): one PDF with a contents page and every
/// selected item's 申请表 with its approval record; who may print what; bad filters; the audit.
/// </summary>
public sealed class ApprovalRecordBookTests
{
    /// <summary>
    /// Items through the request's own transitions (fast, no HTTP): <paramref name="count"/> published
    /// by <paramref name="officerName"/>, each signed by 部门负责人, 办公室主任 and 分管领导.
    /// </summary>
    public static async Task<List<(int Id, string Title)>> SeedPublishedAsync(PortalFactory app, int count, string prefix, string officerName = "officer", string headName = "depthead", DateTimeOffset? at = null)
    {
        await using var db = app.CreateDbContext();
        var chain = await db.ReviewChains.SingleAsync(c => c.IsActive);
        var column = await db.Columns.Where(c => c.Site == Site.External).OrderBy(c => c.Id).FirstAsync();
        var officer = await app.ActorAsync(officerName);
        var head = await app.ActorAsync(headName);
        var director = await app.ActorAsync("director");
        var leader = await app.ActorAsync("leader");
        var publisher = await app.ActorAsync("publisher");
        var now = at ?? DateTimeOffset.UtcNow.AddHours(-2);
        var requests = new List<PublicationRequest>();
        for (var i = 0; i < count; i++)
        {
            var request = PublicationRequest.Create(officer, new RequestContent($"{prefix}第{i + 1:000}号", "<p>县局开展药品安全检查。</p>", "县局办公室", ContentKind.Text,
                Importance.Normal, DateOnly.FromDateTime(now.UtcDateTime), [column.Id], true), [], now);
            request.Submit(officer, chain, [Site.External], now);
            request.Approve(head, "内容属实，同意。", now);
            request.Approve(director, "同意发布。", now);
            request.Approve(leader, "同意在互联网发布。", now);
            request.Publish(publisher, [column], now);
            requests.Add(request);
        }

        db.Requests.AddRange(requests);
        await db.SaveChangesAsync();
        return [.. requests.Select(r => (r.Id, r.Title))];
    }

    private static string Query(string? status = "Published", string? from = null, string? to = null, int? departmentId = null) =>
        "/api/v1/records/approval-forms.pdf?" + string.Join("&", new[]
        {
            status is null ? null : "status=" + status,
            from is null ? null : "from=" + from,
            to is null ? null : "to=" + to,
            departmentId is null ? null : "departmentId=" + departmentId,
        }.Where(p => p is not null));

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task CombinedPdf_HasContentsThenEachForm_WithEverySigner_ForWhoeverMayPrint(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var mine = await SeedPublishedAsync(app, 3, "综合股汇编测试");
        var other = await SeedPublishedAsync(app, 1, "药品股汇编测试", "officer2", "depthead2");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var returned = await officer.DraftAsync("被退回的申请");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(returned), HttpStatusCode.OK);
        using (var depthead = await ApiClient.SignInAsync(app, "depthead"))
        {
            await ApiClient.EnsureAsync(await depthead.DecideAsync(returned, "Return", "请补充来源。"), HttpStatusCode.OK);
        }

        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var response = await publisher.Http.GetAsync(Query());
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pdf", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = StatisticsPdfTests.PdfText(bytes);
        foreach (var (_, title) in mine.Concat(other))
        {
            Assert.Contains(title, text);
        }

        Assert.DoesNotContain("被退回的申请", text);
        foreach (var signer in new[] { "李综合", "孙主任", "周副局长" })
        {
            Assert.Contains(signer, text);
        }

        // Page 1 is the contents; every form starts on its own page, in the order the contents lists.
        using (var pdf = PdfDocument.Open(bytes))
        {
            var pages = pdf.GetPages().Select(p => Infrastructure.Pdf.PdfComposerTests.Squash(p.Text)).ToList();
            Assert.Contains("目录", pages[0]);
            var starts = mine.Concat(other).OrderBy(x => x.Id).Select(x => pages.FindIndex(p => p.Contains("网上发布信息申请表", StringComparison.Ordinal) && p.Contains(x.Title, StringComparison.Ordinal))).ToList();
            Assert.All(starts, s => Assert.True(s > 0));
            Assert.Equal(starts.Order(), starts);
            Assert.Equal(1, starts[0]);
        }

        // Returned items alone; the auditor reads (and prints) too.
        using var auditor = await ApiClient.SignInAsync(app, "auditor");
        var returnedOnly = StatisticsPdfTests.PdfText(await auditor.Http.GetByteArrayAsync(Query("Returned")));
        Assert.Contains("被退回的申请", returnedOnly);
        Assert.Contains("请补充来源", returnedOnly);

        // A department head: their own department only, and asking for another is refused.
        using var head2 = await ApiClient.SignInAsync(app, "depthead2");
        var ownText = StatisticsPdfTests.PdfText(await head2.Http.GetByteArrayAsync(Query()));
        Assert.Contains(other[0].Title, ownText);
        Assert.DoesNotContain(mine[0].Title, ownText);
        await using (var db = app.CreateDbContext())
        {
            var zonghe = await db.Departments.Where(d => d.Name == "综合股").Select(d => d.Id).SingleAsync();
            await ApiClient.EnsureAsync(await head2.Http.GetAsync(Query(departmentId: zonghe)), HttpStatusCode.Forbidden);
        }

        // Nobody else; bad filters are named; an empty selection says so.
        await ApiClient.EnsureAsync(await officer.Http.GetAsync(Query()), HttpStatusCode.Forbidden);
        var range = await ApiClient.EnsureAsync(await publisher.Http.GetAsync(Query(from: "2026-12-31", to: "2026-01-01")), HttpStatusCode.BadRequest);
        Assert.True(range.GetProperty("errors").TryGetProperty("to", out _));
        var status = await ApiClient.EnsureAsync(await publisher.Http.GetAsync(Query("Bogus")), HttpStatusCode.BadRequest);
        Assert.True(status.GetProperty("errors").TryGetProperty("status", out _));
        await ApiClient.EnsureAsync(await publisher.Http.GetAsync(Query("Withdrawn")), HttpStatusCode.NotFound);
        await ApiClient.EnsureAsync(await publisher.Http.GetAsync(Query(from: "2001-01-01", to: "2001-01-31")), HttpStatusCode.NotFound);

        // Each print is audited with its filter and its count.
        await using var check = app.CreateDbContext();
        var printed = await check.AuditRecords.Where(a => a.Action == "ApprovalRecordsPrinted").OrderBy(a => a.Id).Select(a => new { a.ActorName, a.Detail }).ToListAsync();
        Assert.Equal(["publisher", "auditor", "depthead2"], printed.Select(p => p.ActorName));
        Assert.StartsWith("4 items", printed[0].Detail);
    }
}
