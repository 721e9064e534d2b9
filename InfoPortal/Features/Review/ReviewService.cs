using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Review;

/// <summary>Review settings (<c>Review</c>).</summary>
public sealed class ReviewOptions
{
    public const string Section = "Review";

    /// <summary>A step waiting longer than this many days is overdue.</summary>
    public int OverdueDays { get; set; } = 2;
}

/// <summary>
/// The reviewer's side: the queue of what waits for me, and signing (approve or return) the
/// current step. Exactly one of two concurrent decisions on a step wins; the other gets a 409
/// that says someone decided first.
/// </summary>
public sealed class ReviewService(
    IDbContextFactory<PortalDbContext> dbFactory,
    RequestService requests,
    NotificationService notifications,
    Screening.ScreeningService screening,
    Screening.ScreeningRecorder screeningResults,
    AuditLog audit,
    IOptions<ReviewOptions> options,
    TimeProvider clock,
    AgencyClock agency,
    Infrastructure.Files.FileStore files)
{
    /// <summary>Largest scan of a higher authority's approval (PDF or image).</summary>
    public const long MaxScanBytes = 20L * 1024 * 1024;

    /// <summary>
    /// 上级审批 (制度 第十条(二)1): the office director records the higher authority's approval with
    /// its evidence — authority, 批准文号, date, a scan (PDF or image) and an opinion — as the
    /// approval of the provincial-approval step. The scan goes to the file store first (content
    /// addressed, harmless if the decision then fails); the decision, its evidence and its audit
    /// record commit together.
    /// </summary>
    public async Task<PublicationRequest> RecordProvincialApprovalAsync(Actor actor, int id, ProvincialApprovalInput input, CancellationToken cancellationToken = default)
    {
        string? sha = null;
        string? name = null;
        if (input.Scan is { } scan)
        {
            if (scan.Length > MaxScanBytes)
            {
                throw ValidationFailedException.For("scan", "Review.Provincial.ScanTooLarge");
            }

            var kind = Infrastructure.Files.FileSniffer.Sniff(scan);
            if (kind is null || !(kind == Infrastructure.Files.FileSniffer.Pdf || kind.IsImage))
            {
                throw ValidationFailedException.For("scan", "Review.Provincial.ScanType");
            }

            sha = await files.SaveAsync(scan, cancellationToken);
            name = Path.GetFileName(input.ScanName ?? "scan")[..Math.Min(Path.GetFileName(input.ScanName ?? "scan").Length, 200)];
        }

        return await DecideAsync(actor, id, new DecisionInput(DecisionOutcome.Approve, input.Opinion, input.Version, input.AcknowledgeWarnings,
            new ProvincialEvidence(input.Authority, input.Number, input.Date, sha, name)), cancellationToken);
    }


    public async Task<PublicationRequest> DecideAsync(Actor actor, int id, DecisionInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await RequestService.LoadForChangeAsync(db, actor, id, null, cancellationToken);
        if (input.Version is { } version && version != request.Version)
        {
            // Someone acted on the request after this reviewer loaded it.
            throw new ConflictException(request.CurrentRoundDecisions.Any() ? "Review.DecidedFirst" : "Requests.Error.StaleVersion");
        }

        var now = clock.GetUtcNow();
        var acknowledged = false;
        if (input.Decision == DecisionOutcome.Approve && request.IsReviewerOfCurrentStep(actor))
        {
            acknowledged = await CheckScreeningAsync(db, actor, request, input, now, cancellationToken);
        }

        if (input.MarkInternalMatter && input.Decision == DecisionOutcome.Approve && request.MarkInternalMatter(actor, now))
        {
            // 保密制度 五: the reviewer says it is an internal matter; a leader signs before it is approved.
            audit.Stage(db, actor, "InternalMatterMarked", $"request:{id}", AuditOutcome.Success,
                $"round {request.Round} step {request.CurrentStepIndex + 1} ({request.CurrentRole}): leader step added");
        }

        var decision = input.Decision == DecisionOutcome.Return
            ? request.Return(actor, input.Opinion ?? "", now)
            : request.Approve(actor, input.Opinion, now, acknowledged, input.Evidence, agency.Today);
        // One transaction, one fsync (ADR 0021, issue 12): the decision, its screening record, audit
        // record and notices commit together; nothing is written before this save.
        audit.Stage(db, actor, decision.Outcome == DecisionOutcome.Approve ? "RequestApproved" : "RequestReturned", $"request:{id}", AuditOutcome.Success,
            $"round {decision.Round} step {decision.StepIndex + 1} ({decision.Role}); v{decision.ContentVersion} {decision.ContentSha256}"
            + (decision.ApprovalNumber is null ? "" : $"; 上级审批 {decision.ApprovingAuthority} {decision.ApprovalNumber} {decision.ApprovalDate:yyyy-MM-dd} scan sha256={decision.ApprovalScanSha256}"));
        await NotifyAfterDecisionAsync(db, request, decision, cancellationToken);
        try
        {
            await RequestService.SaveAsync(db, CancellationToken.None);
        }
        catch (ConflictException)
        {
            throw new ConflictException("Review.DecidedFirst");
        }

        return request;
    }

    /// <summary>
    /// Screens the content against the current lists before an approval (ADR 0011): blocking hits
    /// that the submission did not override refuse it (422); warnings need <c>acknowledgeWarnings</c>
    /// and a written opinion (400 <c>validation_failed</c>, field <c>acknowledgeWarnings</c>); an
    /// acknowledged warning in the secrecy category adds a secrecy officer step. Returns whether
    /// warnings were acknowledged.
    /// </summary>
    private async Task<bool> CheckScreeningAsync(PortalDbContext db, Actor actor, PublicationRequest request, DecisionInput input, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await screening.EnsureCurrentListsAsync(db, cancellationToken);
        var report = screening.Screen(request.CurrentContent, request.Attachments);
        await screeningResults.StageReviewAsync(db, request, report, actor, cancellationToken);
        var overrides = await Screening.ScreeningRecorder.OverridesAsync(db, request, cancellationToken);
        if (Screening.ScreeningPolicy.Unresolved(report, overrides).Count > 0)
        {
            // The refusal and the screening record commit together; the request is unchanged.
            audit.Stage(db, actor, "ApprovalRefused", $"request:{request.Id}", AuditOutcome.Refused, $"screening ({report.ListVersion}) blocks");
            await db.SaveChangesAsync(CancellationToken.None);
            throw new Screening.ScreeningBlockedException(report, "Screening.BlockedApprove");
        }

        if (!report.HasWarnings)
        {
            return false;
        }

        if (!input.AcknowledgeWarnings || string.IsNullOrWhiteSpace(input.Opinion))
        {
            var errors = new Dictionary<string, string[]> { ["acknowledgeWarnings"] = ["Screening.Error.AcknowledgeWarnings"] };
            if (string.IsNullOrWhiteSpace(input.Opinion)) errors["opinion"] = ["Screening.Error.AcknowledgementOpinion"];
            await db.SaveChangesAsync(CancellationToken.None); // the screening record of this look, as before
            throw new ValidationFailedException(errors, "Screening.Error.WarningsNotAcknowledged");
        }

        if (report.WarningHits.Any(h => h.Category == Screening.ScreeningCategories.SecrecyMark) && request.CurrentStep?.Role != Roles.SecrecyOfficer)
        {
            request.InsertStepAfterCurrent(ReviewChain.SecrecyStep, now);
        }

        return true;
    }

    private async Task NotifyAfterDecisionAsync(PortalDbContext db, PublicationRequest request, Decision decision, CancellationToken cancellationToken)
    {
        var href = $"/office/requests/{request.Id}";
        switch (request.Status)
        {
            case RequestStatus.Returned:
                await notifications.StageUsersAsync(db, [request.OfficerId], NotificationKinds.Returned, [request.Title, decision.ReviewerName, decision.Opinion], href, cancellationToken);
                break;
            case RequestStatus.Approved:
                await notifications.StageUsersAsync(db, [request.OfficerId], NotificationKinds.Approved, [request.Title], href, cancellationToken);
                await notifications.StageRoleAsync(db, Roles.Publisher, null, NotificationKinds.Approved, [request.Title], href, cancellationToken);
                break;
            default:
                await requests.StageCurrentReviewersAsync(db, request, cancellationToken);
                break;
        }
    }

    /// <summary>What waits for this reviewer, oldest first, keyset-paged by id.</summary>
    public async Task<IReadOnlyList<QueueItem>> QueueAsync(Actor actor, QueueFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = Waiting(db, actor);
        if (filter.DepartmentId is { } department) query = query.Where(r => r.DepartmentId == department);
        if (filter.Importance is { } importance) query = query.Where(r => r.Importance == importance);
        if (filter.ColumnId is { } column) query = query.Where(r => r.Columns.Any(c => c.ColumnId == column));
        var overdueBefore = clock.GetUtcNow().AddDays(-options.Value.OverdueDays);
        if (filter.OverdueOnly) query = query.Where(r => r.CurrentStepSince < overdueBefore);
        if (filter.After is { } after) query = query.Where(r => r.Id > after);
        return await query.OrderBy(r => r.Id).Take(Math.Clamp(filter.Limit, 1, 200))
            .Select(r => new QueueItem(r.Id, r.Title, r.Importance, r.DepartmentId,
                db.Departments.Where(d => d.Id == r.DepartmentId).Select(d => d.Name).First(),
                r.CurrentRole!, r.CurrentStepIndex, r.Round, r.CurrentStepSince!.Value, r.CurrentStepSince < overdueBefore, r.EventDate, r.Version))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The menu and home counts stop here and show "99+" (ADR 0052): a count of the whole queue grows with it.</summary>
    public const int CountCap = 100;

    /// <summary>How many items wait for this reviewer, up to <see cref="CountCap"/> (which means "99+").</summary>
    public async Task<int> CountAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Waiting(db, actor).Take(CountCap).CountAsync(cancellationToken);
    }

    /// <summary>The whole queue counted, as before the cap: only <c>bench review-queue</c> calls it, as the reference.</summary>
    internal async Task<int> CountUncappedAsync(Actor actor)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        return await Waiting(db, actor).CountAsync();
    }

    /// <summary>A capped count as shown: "99+" at the cap.</summary>
    public static string CountText(int count) => count >= CountCap ? $"{CountCap - 1}+" : count.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Requests whose current step this actor may sign (role, department scope, not own, not signed this round).</summary>
    private static IQueryable<PublicationRequest> Waiting(PortalDbContext db, Actor actor)
    {
        var roles = actor.Roles.ToList();
        var userId = actor.UserId ?? -1;
        var departmentId = actor.DepartmentId ?? -1;
        return db.Requests.AsNoTracking()
            .Where(r => r.Status == RequestStatus.InReview && roles.Contains(r.CurrentRole!))
            .Where(r => r.CurrentScope == StepScope.Global || r.DepartmentId == departmentId)
            .Where(r => r.OfficerId != userId)
            .Where(r => !db.Decisions.Any(d => d.RequestId == r.Id && d.Round == r.Round && d.ReviewerId == userId));
    }

    /// <summary>Approves several requests with one opinion; each succeeds or fails on its own.</summary>
    public async Task<IReadOnlyList<BulkResult>> ApproveManyAsync(Actor actor, IReadOnlyList<(int Id, int Version)> items, string? opinion, CancellationToken cancellationToken = default)
    {
        var results = new List<BulkResult>();
        foreach (var (id, version) in items)
        {
            try
            {
                var request = await DecideAsync(actor, id, new DecisionInput(DecisionOutcome.Approve, opinion, version, false), cancellationToken);
                results.Add(new BulkResult(id, true, request.Status, null, request.CurrentRole, request.Status == RequestStatus.InReview ? request.CurrentStepIndex + 1 : null));
            }
            catch (PortalException ex)
            {
                results.Add(new BulkResult(id, false, null, ex));
            }
        }

        return results;
    }
}

public sealed record DecisionInput(DecisionOutcome Decision, string? Opinion, int? Version, bool AcknowledgeWarnings, ProvincialEvidence? Evidence = null, bool MarkInternalMatter = false);

/// <summary>The provincial approval as entered (the scan still a stream).</summary>
public sealed record ProvincialApprovalInput(string? Authority, string? Number, DateOnly? Date, string? Opinion, int? Version, bool AcknowledgeWarnings, Stream? Scan, string? ScanName);

public sealed record QueueFilter(int? DepartmentId = null, int? ColumnId = null, Importance? Importance = null, bool OverdueOnly = false, int? After = null, int Limit = 50);

public sealed record QueueItem(int Id, string Title, Importance Importance, int DepartmentId, string Department, string Role, int StepIndex, int Round, DateTimeOffset Since, bool Overdue, DateOnly EventDate, int Version);

/// <summary>One item of a bulk approval: approved (and where it now waits: the role and 1-based step, or fully approved) or failed with its reason.</summary>
public sealed record BulkResult(int Id, bool Succeeded, RequestStatus? Status, PortalException? Error, string? CurrentRole = null, int? StepNumber = null);
