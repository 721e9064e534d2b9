using InfoPortal.Features.Columns;

namespace InfoPortal.Features.Requests.Api;

public sealed record RequestCreated(int Id, string Status, int Version, IReadOnlyList<string> Warnings);

public sealed record RequestUpdate(
    string? Title, IReadOnlyList<int>? ColumnIds, ContentKind? Kind, string? BodyHtml, string? Source,
    Importance? Importance, DateOnly? EventDate, bool DeclarationAccepted, int Version,
    IReadOnlyList<int>? InvolvedDepartmentIds = null, bool InternalMatter = false)
{
    public RequestInput ToInput() => new(Title, ColumnIds, Kind, BodyHtml, Source, Importance, EventDate, DeclarationAccepted, InvolvedDepartmentIds, InternalMatter);
}

public sealed record VersionBody(int? Version);

/// <summary>Submit: the version, and optional false-positive claims for blocking hits (ADR 0011).</summary>
public sealed record SubmitBody(int? Version, IReadOnlyList<Screening.ScreeningOverride>? Overrides);

/// <summary>The latest stored screening result of a request.</summary>
public sealed record ScreeningResultDto(
    string Stage, int ContentVersion, string ListVersion, DateTimeOffset At, bool Passed, int BlockedCount, int WarningCount,
    IReadOnlyList<Screening.FieldHit> Hits, IReadOnlyList<Screening.ScreeningOverride> Overrides)
{
    public static ScreeningResultDto? From(Screening.ScreeningResult? r) => r is null ? null :
        new(r.Stage.ToString(), r.ContentVersion, r.ListVersion, r.At, r.Passed, r.BlockedCount, r.WarningCount,
            Screening.ScreeningRecorder.HitsOf(r), Screening.ScreeningRecorder.OverridesOf(r));
}

/// <summary>A decision; <c>markInternalMatter</c> (with Approve) says the item is an internal matter, so a leader signs too (保密制度 五).</summary>
public sealed record DecisionBody(Requests.DecisionOutcome? Decision, string? Opinion, int? Version, bool AcknowledgeWarnings, bool MarkInternalMatter = false);

public sealed record PublishBody(DateTimeOffset? At, IReadOnlyList<int>? ColumnIds);

public sealed record TakedownBody(string? Reason);

public sealed record StatusResponse(string Status, int Version, StepDto? CurrentStep, string? PublicUrl);

public sealed record SubmitResponse(string Status, int Version, StepDto? CurrentStep, Screening.ScreeningReport Screening);

public sealed record StepDto(int Index, string Key, string Role, string Scope, DateTimeOffset? Since);

public sealed record AttachmentDto(int Id, string Sha256, string ContentType, long Size, string FileName, string? Caption, string Url);

public sealed record DecisionDto(int Id, int Round, int Step, string Role, int ReviewerId, string Reviewer, string Decision, string Opinion, DateTimeOffset DecidedAt, int ContentVersion, string ContentSha256, bool AcknowledgedWarnings, ProvincialApprovalDto? ProvincialApproval = null);

/// <summary>上级审批 evidence of a provincial-approval decision; the scan downloads from <see cref="ScanUrl"/>.</summary>
public sealed record ProvincialApprovalDto(string Authority, string Number, DateOnly? Date, string ScanSha256, string? ScanName, string ScanUrl);

public sealed record VersionDto(int Number, string Sha256, DateTimeOffset CreatedAt);

public sealed record ColumnDto(int Id, string Name, string Site, int? ParentId, int SortOrder)
{
    public static ColumnDto From(Column c) => new(c.Id, c.Name, c.Site.ToString(), c.ParentId, c.SortOrder);
}

public sealed record PublicationDto(int ColumnId, string Site, DateTimeOffset PublishedAt, DateTimeOffset? TakenDownAt);

public sealed record RequestDetail(
    int Id, string Status, int Version, string Title, string BodyHtml, string Source, string Kind, string Importance, DateOnly EventDate,
    bool DeclarationAccepted, int DepartmentId, int OfficerId, IReadOnlyList<int> ColumnIds, int ContentVersion, string ContentSha256,
    int Round, IReadOnlyList<StepDto> Steps, StepDto? CurrentStep, IReadOnlyList<VersionDto> Versions, IReadOnlyList<DecisionDto> Decisions,
    IReadOnlyList<AttachmentDto> Attachments, IReadOnlyList<PublicationDto> Publications, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt,
    DateTimeOffset? SubmittedAt, DateTimeOffset? ApprovedAt, DateTimeOffset? ScheduledFor, DateTimeOffset? PublishedAt, DateTimeOffset? TakenDownAt,
    string? PublicUrl, IReadOnlyList<string> Warnings, ScreeningResultDto? Screening = null,
    IReadOnlyList<int>? InvolvedDepartmentIds = null, bool InternalMatter = false)
{
    public static RequestDetail From(PublicationRequest r, IReadOnlyList<string> warnings)
    {
        var steps = r.PlannedSteps.Select((s, i) => new StepDto(i, s.Key, s.Role, s.Scope.ToString(), i == r.CurrentStepIndex && r.Status == RequestStatus.InReview ? r.CurrentStepSince : null)).ToList();
        return new RequestDetail(
            r.Id, r.Status.ToString(), r.Version, r.Title, r.BodyHtml, r.Source, r.Kind.ToString(), r.Importance.ToString(), r.EventDate,
            r.DeclarationAccepted, r.DepartmentId, r.OfficerId, [.. r.Columns.Select(c => c.ColumnId).Order()], r.ContentVersion, r.ContentSha256,
            r.Round, steps, CurrentStepOf(r),
            [.. r.Versions.OrderBy(v => v.Number).Select(v => new VersionDto(v.Number, v.Sha256, v.CreatedAt))],
            [.. r.Decisions.OrderBy(d => d.Id).Select(DecisionOf)],
            [.. r.Attachments.Where(a => !a.IsRemoved).OrderBy(a => a.Id).Select(AttachmentOf)],
            [.. r.Publications.OrderBy(p => p.Id).Select(p => new PublicationDto(p.ColumnId, p.Site.ToString(), p.PublishedAt, p.TakenDownAt))],
            r.CreatedAt, r.UpdatedAt, r.SubmittedAt, r.ApprovedAt, r.ScheduledFor, r.PublishedAt, r.TakenDownAt,
            r.Status == RequestStatus.Published ? PublicLinks.Article(r.Id) : null, warnings, null, r.InvolvedDepartments, r.InternalMatter);
    }

    public static StepDto? CurrentStepOf(PublicationRequest r) =>
        r.CurrentStep is { } s ? new StepDto(r.CurrentStepIndex, s.Key, s.Role, s.Scope.ToString(), r.CurrentStepSince) : null;

    public static DecisionDto DecisionOf(Decision d) =>
        new(d.Id, d.Round, d.StepIndex + 1, d.Role, d.ReviewerId, d.ReviewerName, d.Outcome.ToString(), d.Opinion, d.DecidedAt, d.ContentVersion, d.ContentSha256, d.AcknowledgedWarnings,
            d.ApprovalNumber is null ? null : new ProvincialApprovalDto(d.ApprovingAuthority ?? "", d.ApprovalNumber, d.ApprovalDate, d.ApprovalScanSha256 ?? "", d.ApprovalScanName,
                $"/api/v1/requests/{d.RequestId}/decisions/{d.Id}/scan"));

    public static AttachmentDto AttachmentOf(Attachment a) =>
        new(a.Id, a.Sha256, a.ContentType, a.Size, a.FileName, a.Caption, $"/files/{a.Id}/{Uri.EscapeDataString(a.FileName)}");
}
