using System.Globalization;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Screening;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Pdf;
using InfoPortal.Infrastructure.Xlsx;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Monitoring;

public sealed record OverrideLine(int RequestId, string Title, DateTimeOffset At, string Term, string Reason, string? ApprovedBy, string? ApprovedRole, DateTimeOffset? ApprovedAt);

public sealed record TakedownLine(int RequestId, string Title, DateTimeOffset At, string By, string Reason);

public sealed record IncidentLine(int Id, int RequestId, string Title, DateTimeOffset OpenedAt, string? Cause, string? Remedy, string? ReportedTo, string Status);

/// <summary>网上发布信息保密管理情况 for one quarter (保密制度 七(二)、八(四)、九(三); issue 14 item 7, ADR 0050).</summary>
public sealed record SecrecyReportData(
    int Year, int Quarter, DateOnly From, DateOnly To,
    int ItemsScreened, int ScreeningRuns, int SubmissionsBlocked, int WarningsAcknowledged,
    IReadOnlyList<OverrideLine> Overrides, int SecrecyReviews, int SecrecyReturns,
    int RescanRuns, int RescanItemsChecked, int AlertsRaised, int AlertsDismissed, int AlertsTakenDown, int AlertsOpen,
    IReadOnlyList<TakedownLine> Takedowns, IReadOnlyList<IncidentLine> Incidents);

/// <summary>
/// The quarterly secrecy report for the 保密工作领导小组: what screening saw and blocked, every
/// override with who approved it, the 保密员's reviews, the daily rescan and its alerts, takedowns,
/// and incidents with cause and remedy. Computed from the records (nothing to keep in step); as a
/// page, .xlsx and PDF; the quarterly job tells the secrecy officers and the leaders it is ready.
/// </summary>
public sealed class SecrecyReport(IDbContextFactory<PortalDbContext> dbFactory, AgencyClock agency, IStringLocalizer<SharedResource> L)
{

    public static bool CanRead(Actor actor) => actor.IsAuthenticated && actor.Has(Permissions.Monitoring.SecrecyReport);

    public Task<SecrecyReportData> BuildAsync(Actor actor, int year, int quarter, CancellationToken cancellationToken = default) =>
        CanRead(actor) ? BuildAsync(year, quarter, cancellationToken) : throw new ForbiddenException("SecrecyReport.Forbidden");

    /// <summary>The report without a reader (the quarterly job).</summary>
    public async Task<SecrecyReportData> BuildAsync(int year, int quarter, CancellationToken cancellationToken = default)
    {
        if (quarter is < 1 or > 4 || year is < 2000 or > 2100)
        {
            throw ValidationFailedException.For("quarter", "SecrecyReport.QuarterInvalid");
        }

        var from = new DateOnly(year, (quarter * 3) - 2, 1);
        var to = from.AddMonths(3).AddDays(-1);
        var (start, end) = (agency.StartOfDay(from), agency.StartOfDay(to.AddDays(1)));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);

        var submits = db.ScreeningResults.AsNoTracking().Where(r => r.At >= start && r.At < end && r.Stage == ScreeningStage.Submit);
        var screened = await submits.Select(r => r.RequestId).Distinct().CountAsync(cancellationToken);
        var runs = await db.ScreeningResults.CountAsync(r => r.At >= start && r.At < end, cancellationToken);
        var blocked = await submits.CountAsync(r => !r.Passed, cancellationToken);
        var acknowledged = await db.Decisions.CountAsync(d => d.DecidedAt >= start && d.DecidedAt < end && d.AcknowledgedWarnings, cancellationToken);

        var withOverrides = await submits.Where(r => r.Passed && r.OverridesJson != "[]").OrderBy(r => r.At).ToListAsync(cancellationToken);
        var ids = withOverrides.Select(r => r.RequestId).Distinct().ToList();
        var titles = await db.Requests.AsNoTracking().Where(r => ids.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Title, cancellationToken);
        // Who let the override through: the 保密员's or the leader's step added for it (ADR 0011, 0040, 0046).
        string[] overrideSteps = [ReviewChain.SecrecyStepKey, ReviewChain.InternalMatterStepKey];
        var approvals = await db.Decisions.AsNoTracking()
            .Where(d => ids.Contains(d.RequestId) && overrideSteps.Contains(d.StepKey) && d.Outcome == DecisionOutcome.Approve).ToListAsync(cancellationToken);
        var overrides = withOverrides.SelectMany(r => ScreeningRecorder.OverridesOf(r).Select(o =>
        {
            var approval = approvals.Where(d => d.RequestId == r.RequestId && d.DecidedAt >= r.At).MinBy(d => d.DecidedAt);
            return new OverrideLine(r.RequestId, titles.GetValueOrDefault(r.RequestId) ?? "", r.At, o.Term, o.Reason, approval?.ReviewerName, approval?.Role, approval?.DecidedAt);
        })).ToList();

        var secrecyDecisions = await db.Decisions.AsNoTracking().Where(d => d.DecidedAt >= start && d.DecidedAt < end && d.Role == Roles.SecrecyOfficer)
            .Select(d => d.Outcome).ToListAsync(cancellationToken);

        var rescans = await db.MonitoringRuns.AsNoTracking().Where(r => r.Day >= from && r.Day <= to).ToListAsync(cancellationToken);
        var alerts = await db.Alerts.AsNoTracking().Where(a => a.RaisedAt >= start && a.RaisedAt < end).Select(a => a.Status).ToListAsync(cancellationToken);

        var takedowns = await db.Takedowns.AsNoTracking().Where(t => t.At >= start && t.At < end).OrderBy(t => t.At)
            .Join(db.Requests, t => t.RequestId, r => r.Id, (t, r) => new TakedownLine(t.RequestId, r.Title, t.At, t.ActorName, t.Reason)).ToListAsync(cancellationToken);
        var incidents = await db.Incidents.AsNoTracking().Where(i => i.OpenedAt >= start && i.OpenedAt < end).OrderBy(i => i.OpenedAt)
            .Join(db.Requests, i => i.RequestId, r => r.Id, (i, r) => new { i, r.Title }).ToListAsync(cancellationToken);

        return new SecrecyReportData(year, quarter, from, to, screened, runs, blocked, acknowledged, overrides,
            secrecyDecisions.Count, secrecyDecisions.Count(o => o == DecisionOutcome.Return),
            rescans.Count, rescans.Sum(r => r.ItemsChecked), alerts.Count, alerts.Count(s => s == AlertStatus.Dismissed), alerts.Count(s => s == AlertStatus.TakenDown), alerts.Count(s => s == AlertStatus.Open),
            takedowns, [.. incidents.Select(x => new IncidentLine(x.i.Id, x.i.RequestId, x.Title, x.i.OpenedAt, x.i.Cause, x.i.Remedy, x.i.ReportedTo, L["SecrecyReport.Incident." + x.i.Status].Value))]);
    }

    public string Title(SecrecyReportData d) => string.Format(CultureInfo.InvariantCulture, L["SecrecyReport.Title"].Value, d.Year, d.Quarter);

    /// <summary>The summary lines (label, figure), in the order the page, the sheet and the PDF show them.</summary>
    public IReadOnlyList<(string Label, int Value)> Summary(SecrecyReportData d) =>
    [
        (L["SecrecyReport.ItemsScreened"], d.ItemsScreened),
        (L["SecrecyReport.ScreeningRuns"], d.ScreeningRuns),
        (L["SecrecyReport.SubmissionsBlocked"], d.SubmissionsBlocked),
        (L["SecrecyReport.Overrides"], d.Overrides.Count),
        (L["SecrecyReport.WarningsAcknowledged"], d.WarningsAcknowledged),
        (L["SecrecyReport.SecrecyReviews"], d.SecrecyReviews),
        (L["SecrecyReport.SecrecyReturns"], d.SecrecyReturns),
        (L["SecrecyReport.RescanRuns"], d.RescanRuns),
        (L["SecrecyReport.RescanItemsChecked"], d.RescanItemsChecked),
        (L["SecrecyReport.AlertsRaised"], d.AlertsRaised),
        (L["SecrecyReport.AlertsDismissed"], d.AlertsDismissed),
        (L["SecrecyReport.AlertsTakenDown"], d.AlertsTakenDown),
        (L["SecrecyReport.AlertsOpen"], d.AlertsOpen),
        (L["SecrecyReport.Takedowns"], d.Takedowns.Count),
        (L["SecrecyReport.Incidents"], d.Incidents.Count),
    ];

    private string[] OverrideHeader => [L["SecrecyReport.Col.Request"], L["SecrecyReport.Col.Submitted"], L["SecrecyReport.Col.Term"], L["SecrecyReport.Col.Reason"], L["SecrecyReport.Col.ApprovedBy"], L["SecrecyReport.Col.ApprovedAt"]];

    private string[] TakedownHeader => [L["SecrecyReport.Col.Request"], L["SecrecyReport.Col.At"], L["SecrecyReport.Col.By"], L["SecrecyReport.Col.Reason"]];

    private string[] IncidentHeader => [L["SecrecyReport.Col.Request"], L["SecrecyReport.Col.At"], L["SecrecyReport.Col.Cause"], L["SecrecyReport.Col.Remedy"], L["SecrecyReport.Col.ReportedTo"], L["SecrecyReport.Col.Status"]];

    private string Approver(OverrideLine o) => o.ApprovedBy is null ? L["SecrecyReport.NotYetApproved"].Value : $"{o.ApprovedBy}（{L["Role." + o.ApprovedRole].Value}）";

    public byte[] Xlsx(SecrecyReportData d) => XlsxWorkbook.Build((_, workbook) =>
    {
        XlsxWorkbook.AddSheet(workbook, L["SecrecyReport.Sheet.Summary"], [L["SecrecyReport.Col.Item"], L["SecrecyReport.Col.Count"]],
            Summary(d).Select(s => (IReadOnlyList<object?>)[s.Label, s.Value]));
        XlsxWorkbook.AddSheet(workbook, L["SecrecyReport.Sheet.Overrides"], [.. OverrideHeader],
            d.Overrides.Select(o => (IReadOnlyList<object?>)[$"{o.RequestId} {o.Title}", agency.Format(o.At), o.Term, o.Reason, Approver(o), agency.Format(o.ApprovedAt)]));
        XlsxWorkbook.AddSheet(workbook, L["SecrecyReport.Sheet.Takedowns"], [.. TakedownHeader],
            d.Takedowns.Select(t => (IReadOnlyList<object?>)[$"{t.RequestId} {t.Title}", agency.Format(t.At), t.By, t.Reason]));
        XlsxWorkbook.AddSheet(workbook, L["SecrecyReport.Sheet.Incidents"], [.. IncidentHeader],
            d.Incidents.Select(i => (IReadOnlyList<object?>)[$"{i.RequestId} {i.Title}", agency.Format(i.OpenedAt), i.Cause, i.Remedy, i.ReportedTo, i.Status]));
    });

    public RenderedPdf Pdf(SecrecyReportData d)
    {
        var title = Title(d);
        var period = string.Format(CultureInfo.InvariantCulture, L["SecrecyReport.Period"].Value, d.From.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), d.To.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var blocks = new List<PdfBlock>
        {
            new PdfParagraph(title, PdfTextStyle.Title, Centered: true),
            new PdfParagraph(period, PdfTextStyle.Small, Centered: true),
            new PdfParagraph(L["SecrecyReport.Sheet.Summary"].Value, PdfTextStyle.Heading),
            new PdfKeyValueGrid([.. Summary(d).Select(s => new KeyValuePair<string, string>(s.Label, s.Value.ToString(CultureInfo.InvariantCulture)))], 0.5),
            new PdfParagraph(L["SecrecyReport.Sheet.Overrides"].Value, PdfTextStyle.Heading),
        };
        blocks.Add(d.Overrides.Count == 0 ? new PdfParagraph(L["SecrecyReport.None"].Value)
            : new PdfTable([2.6, 1.6, 1.2, 2.6, 1.8, 1.6], [new PdfRow([.. OverrideHeader.Select(h => new PdfCell(h, Bold: true, Shaded: true))])],
                [.. d.Overrides.Select(o => new PdfRow([$"{o.RequestId} {o.Title}", agency.Format(o.At), o.Term, o.Reason, Approver(o), agency.Format(o.ApprovedAt)]))], PdfTextStyle.Small));
        blocks.Add(new PdfParagraph(L["SecrecyReport.Sheet.Takedowns"].Value, PdfTextStyle.Heading));
        blocks.Add(d.Takedowns.Count == 0 ? new PdfParagraph(L["SecrecyReport.None"].Value)
            : new PdfTable([3, 1.6, 1.4, 3.4], [new PdfRow([.. TakedownHeader.Select(h => new PdfCell(h, Bold: true, Shaded: true))])],
                [.. d.Takedowns.Select(t => new PdfRow([$"{t.RequestId} {t.Title}", agency.Format(t.At), t.By, t.Reason]))], PdfTextStyle.Small));
        blocks.Add(new PdfParagraph(L["SecrecyReport.Sheet.Incidents"].Value, PdfTextStyle.Heading));
        blocks.Add(d.Incidents.Count == 0 ? new PdfParagraph(L["SecrecyReport.None"].Value)
            : new PdfTable([2.4, 1.6, 2.2, 2.2, 1.4, 1], [new PdfRow([.. IncidentHeader.Select(h => new PdfCell(h, Bold: true, Shaded: true))])],
                [.. d.Incidents.Select(i => new PdfRow([$"{i.RequestId} {i.Title}", agency.Format(i.OpenedAt), i.Cause ?? "", i.Remedy ?? "", i.ReportedTo ?? "", i.Status]))], PdfTextStyle.Small));
        return PdfComposer.Render(new PdfDocumentModel(title, "InfoPortal", period, blocks, RequestFormPdf.Labels(L)) { Header = title }, agency.Now);
    }
}

/// <summary>
/// 02:30 on the first day of a quarter: builds the previous quarter's secrecy report and tells the
/// secrecy officers and the leaders it is ready (保密制度 七(二): the group checks often).
/// </summary>
public sealed class SecrecyReportPeriodicJob(SecrecyReport report, IDbContextFactory<PortalDbContext> dbFactory, Notifications.NotificationService notifications) : Infrastructure.Jobs.PeriodicJob
{
    public const string ReadyKind = "SecrecyReportReady";

    public override string Name => "secrecy-quarterly-report";

    public override Infrastructure.Jobs.PeriodKind Kind => Infrastructure.Jobs.PeriodKind.Quarter;

    public override string DefaultCron => "30 2 1 1,4,7,10 *";

    public override int? CatchUpPeriods => 1;

    public override async Task<Infrastructure.Jobs.JobResult> RunAsync(Infrastructure.Jobs.JobPeriod period, CancellationToken cancellationToken)
    {
        var (year, quarter) = (period.Start.Year, ((period.Start.Month - 1) / 3) + 1);
        var data = await report.BuildAsync(year, quarter, cancellationToken);
        var href = $"/office/secrecy/report?year={year}&quarter={quarter}";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Notifications.AnyAsync(n => n.Kind == ReadyKind && n.Href == href, cancellationToken))
        {
            // Once per quarter: a rerun rebuilds the figures (they are computed on read) but tells nobody twice.
            string[] args = [year.ToString(CultureInfo.InvariantCulture), quarter.ToString(CultureInfo.InvariantCulture)];
            foreach (var role in new[] { Roles.SecrecyOfficer, Roles.Leader, Roles.PrincipalLeader })
            {
                await notifications.StageRoleAsync(db, role, null, ReadyKind, args, href, cancellationToken);
            }

            await db.SaveChangesAsync(CancellationToken.None);
        }

        return Infrastructure.Jobs.JobResult.Done(data.ItemsScreened, $"{data.ItemsScreened} screened, {data.Overrides.Count} override(s), {data.Incidents.Count} incident(s)");
    }
}
