using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Notifications;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Html;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Requests;

/// <summary>
/// The officer's side of the 申请表: draft, edit (a new version each save), submit or resubmit,
/// withdraw; and reading requests for everyone allowed to. Load → entity method → save.
/// </summary>
public sealed class RequestService(
    IDbContextFactory<PortalDbContext> dbFactory,
    ReviewChainService chains,
    NotificationService notifications,
    HtmlCleaner html,
    Screening.ScreeningService screening,
    Screening.ScreeningRecorder screeningResults,
    AuditLog audit,
    TimeProvider clock)
{
    /// <summary>§1 第十条(一): late items no later than 10 days after the event.</summary>
    public const int TimelinessDays = 10;

    public async Task<PublicationRequest> CreateAsync(Actor actor, RequestInput input, CancellationToken cancellationToken = default)
    {
        if (!actor.Has(Permissions.Requests.Draft))
        {
            throw new ForbiddenException("Requests.Error.OfficerOnly");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var content = await ValidateAsync(db, input, cancellationToken);
        var request = PublicationRequest.Create(actor, content, [], clock.GetUtcNow());
        db.Requests.Add(request);
        // The id exists only once saved: insert and audit record share one transaction (ADR 0021).
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        await db.SaveChangesAsync(CancellationToken.None);
        audit.Stage(db, actor, "RequestCreated", $"request:{request.Id}", AuditOutcome.Success, $"v{request.ContentVersion} {request.ContentSha256}");
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return request;
    }

    /// <summary>Saves an edit. <paramref name="version"/> must be the version the editor started from.</summary>
    public async Task<PublicationRequest> UpdateAsync(Actor actor, int id, RequestInput input, int version, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await LoadForChangeAsync(db, actor, id, version, cancellationToken);
        var content = await ValidateAsync(db, input, cancellationToken);
        request.Edit(actor, content, clock.GetUtcNow());
        audit.Stage(db, actor, "RequestEdited", $"request:{id}", AuditOutcome.Success, $"v{request.ContentVersion} {request.ContentSha256}");
        await SaveAsync(db, CancellationToken.None);
        return request;
    }

    /// <summary>
    /// Submits a draft, or resubmits a returned request from the first step, after screening it:
    /// blocking hits refuse the submission (nothing changes), warnings travel with it.
    /// </summary>
    public Task<SubmitResult> SubmitAsync(Actor actor, int id, int? version, CancellationToken cancellationToken = default) =>
        SubmitAsync(actor, id, version, null, cancellationToken);

    /// <summary>
    /// As above; <paramref name="overrides"/> claim blocking hits as false positives with a written
    /// reason (never a secrecy marking proper, ADR 0011): the submission then goes through and the
    /// secrecy officer gets a step in the chain.
    /// </summary>
    /// <summary>
    /// A submission refused because a file could not be screened (ADR 0024) waits for the 保密员: they are
    /// told once per content version, with the worklist's address, in the refusal's transaction. A file
    /// that is missing is not theirs to read (it must be restored), so it tells nobody.
    /// </summary>
    private async Task StageFileReviewNoticeAsync(PortalDbContext db, PublicationRequest request, IReadOnlyList<Screening.FieldHit> unresolved, CancellationToken cancellationToken)
    {
        var files = unresolved
            .Where(h => h.Category == Screening.ScreeningService.UnreadableCategory && Screening.AttachmentTextExtractor.MayBeReviewedByHand(h.Term))
            .Select(h => h.FileName ?? h.Text).Distinct().ToList();
        if (files.Count == 0 || await db.ScreeningResults.AnyAsync(r =>
                r.RequestId == request.Id && r.ContentVersion == request.ContentVersion && r.Stage == Screening.ScreeningStage.Submit && !r.Passed, cancellationToken))
        {
            return;
        }

        await notifications.StageRoleAsync(db, Roles.SecrecyOfficer, null, NotificationKinds.FileAwaitsReview,
            [request.Title, string.Join("、", files)], ManualFileReviewService.PagePath, cancellationToken);
    }

    public async Task<SubmitResult> SubmitAsync(Actor actor, int id, int? version, IReadOnlyList<Screening.ScreeningOverride>? overrides, CancellationToken cancellationToken = default)
    {
        var claims = Screening.ScreeningPolicy.Validate(overrides);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await LoadForChangeAsync(db, actor, id, version, cancellationToken);
        await screening.EnsureCurrentListsAsync(db, cancellationToken);
        var report = screening.Screen(request.CurrentContent, request.Attachments);
        var unresolved = Screening.ScreeningPolicy.Unresolved(report, claims);
        if (unresolved.Count > 0)
        {
            if (request.OfficerId == actor.UserId && request.Status is RequestStatus.Draft or RequestStatus.Returned)
            {
                await StageFileReviewNoticeAsync(db, request, unresolved, cancellationToken);
                db.ScreeningResults.Add(screeningResults.Build(request, Screening.ScreeningStage.Submit, report, false, actor, claims));
            }

            // The refusal and its screening record commit together; the request is unchanged.
            audit.Stage(db, actor, "SubmitRefused", $"request:{id}", AuditOutcome.Refused,
                $"screening ({report.ListVersion}): " + string.Join(", ", unresolved.Select(h => $"{h.Field}:{h.Term}")));
            await db.SaveChangesAsync(CancellationToken.None);
            throw new Screening.ScreeningBlockedException(report);
        }

        var overridden = Screening.ScreeningPolicy.Overridden(report, claims);
        var sites = await db.Columns.Where(c => request.Columns.Select(rc => rc.ColumnId).Contains(c.Id)).Select(c => c.Site).Distinct().ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var resubmission = request.Status == RequestStatus.Returned;
        if (resubmission)
        {
            // A returned request goes back through the chain it was first submitted under.
            var chain = await chains.GetAsync(request.ChainId!.Value, cancellationToken);
            request.Resubmit(actor, chain, sites, now);
        }
        else
        {
            request.Submit(actor, await chains.GetActiveAsync(cancellationToken), sites, now);
        }

        if (overridden.Any(h => !Screening.ScreeningPolicy.IsInternalMatter(h.Term)))
        {
            request.InsertStepAfterCurrent(ReviewChain.SecrecyStep, now);
        }

        if (overridden.Any(h => Screening.ScreeningPolicy.IsInternalMatter(h.Term)))
        {
            // 保密制度 五: an internal matter goes online only with a leader's signature.
            request.EnsureLeaderApproval(ReviewChain.InternalMatterLeaderStep, now);
        }

        var used = claims.Where(c => overridden.Any(h => Screening.Engine.TextNormalizer.NormalizeTerm(h.Term) == Screening.Engine.TextNormalizer.NormalizeTerm(c.Term))).ToList();
        db.ScreeningResults.Add(screeningResults.Build(request, Screening.ScreeningStage.Submit, report, true, actor, used));
        if (used.Count > 0)
        {
            audit.Stage(db, actor, "ScreeningOverridden", $"request:{id}", AuditOutcome.Success,
                $"screening ({report.ListVersion}): " + string.Join("; ", used.Select(c => $"{c.Term}: {c.Reason}")));
        }

        audit.Stage(db, actor, resubmission ? "RequestResubmitted" : "RequestSubmitted", $"request:{id}", AuditOutcome.Success,
            $"round {request.Round}; v{request.ContentVersion} {request.ContentSha256}");
        await StageCurrentReviewersAsync(db, request, cancellationToken);
        await SaveAsync(db, CancellationToken.None);
        return new SubmitResult(request, report);
    }

    public async Task<PublicationRequest> WithdrawAsync(Actor actor, int id, int? version, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await LoadForChangeAsync(db, actor, id, version, cancellationToken);
        request.Withdraw(actor, clock.GetUtcNow());
        audit.Stage(db, actor, "RequestWithdrawn", $"request:{id}", AuditOutcome.Success, null);
        await SaveAsync(db, CancellationToken.None);
        return request;
    }

    /// <summary>The request with everything, if the actor may see it; otherwise 404.</summary>
    public async Task<PublicationRequest> GetAsync(Actor actor, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await db.Requests.AsNoTracking().AsSplitQuery()
            .Include(r => r.Columns).Include(r => r.Versions).Include(r => r.Decisions).Include(r => r.Attachments).Include(r => r.Publications)
            .SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null || !RequestAccess.CanSee(actor, request))
        {
            throw new NotFoundException("Requests.NotFound");
        }

        return request;
    }

    /// <summary>Requests the actor may see, newest first, keyset-paged by id.</summary>
    public async Task<IReadOnlyList<RequestListItem>> ListAsync(Actor actor, RequestFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Requests.AsNoTracking().VisibleTo(actor);
        if (filter.Status is { } status) query = query.Where(r => r.Status == status);
        if (filter.DepartmentId is { } department) query = query.Where(r => r.DepartmentId == department);
        if (filter.Mine) query = query.Where(r => r.OfficerId == actor.UserId);
        var limit = Math.Clamp(filter.Limit, 1, 200);
        if (filter.Query?.Trim() is { Length: > 0 } typed)
        {
            // Back-office search: a substring of the title or the body (any length, Chinese or not) over
            // the same visible set, so unpublished items show only to those who may see them anyway.
            var text = typed[..Math.Min(typed.Length, 100)];
            var pattern = LikePattern.Containing(text);
            if (db.Database.IsSqlite() && (SqliteTextMatch.Trigram(text) ?? SqliteTextMatch.Characters(text)) is { } phrase)
            {
                return await ListMatchingAsync(db, query, text.Length >= 3
                    ? (cursor, chunk) => db.Database.SqlQuery<int>($"""SELECT rowid AS "Value" FROM request_fts WHERE request_fts MATCH {phrase} AND rowid < {cursor} ORDER BY rowid DESC LIMIT {chunk}""")
                    : (cursor, chunk) => db.Database.SqlQuery<int>($"""SELECT rowid AS "Value" FROM request_chars WHERE request_chars MATCH {phrase} AND rowid < {cursor} ORDER BY rowid DESC LIMIT {chunk}"""),
                    SearchChunk, filter.After, limit, cancellationToken);
            }

            if (db.Database.IsNpgsql() && text.Length <= 2)
            {
                // One or two characters: pg_trgm has no trigram to look up, so the text's characters and
                // character pairs (IX_Requests_Text_Grams) find the rows; the whole text is one such gram.
                // A common one is read newest first by the primary key, testing each row, so the first
                // read is kept near the page's size: 500 rows cost 58 ms at 1M, 100 rows 4 ms (ADR 0052).
                return await ListMatchingAsync(db, query, (cursor, chunk) => db.Database.SqlQuery<int>(
                    $"""SELECT "Id" AS "Value" FROM "Requests" WHERE portal_text_grams(lower("Title" || E'\n' || "BodyHtml")) @> ARRAY[lower({text})] AND ("Title" || E'\n' || "BodyHtml") ILIKE {pattern} ESCAPE '\' AND "Id" < {cursor} ORDER BY "Id" DESC LIMIT {chunk}"""),
                    Math.Max(2 * limit, 100), filter.After, limit, cancellationToken);
            }

            // PostgreSQL: ILIKE over the pg_trgm GIN index on this very expression (ADR 0052); SQLite
            // reaches here only for text of punctuation, which no index holds.
            query = db.Database.IsNpgsql()
                ? query.Where(r => EF.Functions.ILike(r.Title + "\n" + r.BodyHtml, pattern, "\\"))
                : query.Where(r => EF.Functions.Like(r.Title.ToLower() + "\n" + r.BodyHtml.ToLower(), pattern.ToLowerInvariant(), "\\"));
        }

        if (filter.After is { } after) query = query.Where(r => r.Id < after);
        return await Project(db, query.OrderByDescending(r => r.Id).Take(limit)).ToListAsync(cancellationToken);
    }

    /// <summary>Candidates read at first from SQLite's indexes; each further read doubles, up to <see cref="SearchChunkMax"/>, when the visible set is small next to the matches.</summary>
    private const int SearchChunk = 500;

    private const int SearchChunkMax = 8000;

    /// <summary>
    /// The matching ids come from a text index (SQLite: request_fts, request_chars; PostgreSQL, one or
    /// two characters: IX_Requests_Text_Grams; ADR 0052) newest first, a bounded chunk at a time, the
    /// first <paramref name="firstChunk"/> long: <paramref name="matches"/> gives the ids below a cursor,
    /// at most a chunk of them. The visibility and filters apply to each chunk through the primary key,
    /// so neither a rare nor a common word reads the requests table whole.
    /// </summary>
    private static async Task<IReadOnlyList<RequestListItem>> ListMatchingAsync(PortalDbContext db, IQueryable<PublicationRequest> visible,
        Func<int, int, IQueryable<int>> matches, int firstChunk, int? after, int limit, CancellationToken cancellationToken)
    {
        var cursor = after ?? int.MaxValue;
        var found = new List<RequestListItem>();
        var chunk = firstChunk;
        while (found.Count < limit)
        {
            var ids = await matches(cursor, chunk).ToListAsync(cancellationToken);
            if (ids.Count == 0)
            {
                break;
            }

            found.AddRange(await Project(db, visible.Where(r => ids.Contains(r.Id)).OrderByDescending(r => r.Id).Take(limit - found.Count)).ToListAsync(cancellationToken));
            if (ids.Count < chunk)
            {
                break;
            }

            cursor = ids[^1];
            chunk = Math.Min(chunk * 2, SearchChunkMax);
        }

        return found;
    }

    private static IQueryable<RequestListItem> Project(PortalDbContext db, IQueryable<PublicationRequest> requests) =>
        requests.Select(r => new RequestListItem(r.Id, r.Title, r.Status, r.Importance, r.DepartmentId,
            db.Departments.Where(d => d.Id == r.DepartmentId).Select(d => d.Name).First(),
            r.CurrentRole, r.UpdatedAt, r.EventDate, r.Version));

    /// <summary>Warnings that do not block (shown on the form): an event more than 10 days back.</summary>
    public IReadOnlyList<string> Warnings(RequestContent content)
    {
        var today = DateOnly.FromDateTime(clock.GetLocalNow().DateTime);
        return content.EventDate < today.AddDays(-TimelinessDays) ? ["Requests.Warning.EventDateLate"] : [];
    }

    /// <summary>Stages the notices to the current step's reviewers in <paramref name="db"/>, to commit with the change.</summary>
    internal async Task StageCurrentReviewersAsync(PortalDbContext db, PublicationRequest request, CancellationToken cancellationToken)
    {
        if (request.CurrentStep is not { } step)
        {
            return;
        }

        var users = await notifications.UsersInRoleAsync(step.Role, step.Scope == StepScope.OwnDepartment ? request.DepartmentId : null, cancellationToken);
        await notifications.StageUsersAsync(db, users.Where(u => u != request.OfficerId), NotificationKinds.ReviewWaiting, [request.Title], $"/office/requests/{request.Id}", cancellationToken);
    }

    internal static async Task<PublicationRequest> LoadForChangeAsync(PortalDbContext db, Actor actor, int id, int? version, CancellationToken cancellationToken)
    {
        var request = await db.Requests.AsSplitQuery()
            .Include(r => r.Columns).Include(r => r.Decisions).Include(r => r.Attachments).Include(r => r.Publications)
            .SingleOrDefaultAsync(r => r.Id == id, cancellationToken);
        if (request is null || !RequestAccess.CanSee(actor, request))
        {
            throw new NotFoundException("Requests.NotFound");
        }

        if (version is { } expected && expected != request.Version)
        {
            throw new ConflictException("Requests.Error.StaleVersion");
        }

        return request;
    }

    /// <summary>Saves; a concurrent change (version token, or the unique decision index) becomes a 409 in words.</summary>
    internal static async Task SaveAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException("Requests.Error.ChangedMeanwhile");
        }
        catch (DbUpdateException ex) when (ex.InnerException is not null && IsUniqueViolation(ex))
        {
            throw new ConflictException("Requests.Error.ChangedMeanwhile");
        }
    }

    private static bool IsUniqueViolation(DbUpdateException ex) =>
        ex.InnerException switch
        {
            Microsoft.Data.Sqlite.SqliteException sqlite => sqlite.SqliteErrorCode == 19,
            Npgsql.PostgresException pg => pg.SqlState == Npgsql.PostgresErrorCodes.UniqueViolation,
            _ => false,
        };

    private async Task<RequestContent> ValidateAsync(PortalDbContext db, RequestInput input, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var title = (input.Title ?? "").Trim();
        if (title.Length == 0) errors["title"] = ["Requests.Validation.TitleRequired"];
        else if (title.Length > 200) errors["title"] = ["Requests.Validation.TitleTooLong"];
        var source = (input.Source ?? "").Trim();
        if (source.Length > 200) errors["source"] = ["Requests.Validation.SourceTooLong"];
        var columnIds = (input.ColumnIds ?? []).Distinct().ToList();
        if (columnIds.Count > 0)
        {
            var found = await db.Columns.CountAsync(c => columnIds.Contains(c.Id) && !c.IsRetired, cancellationToken);
            if (found != columnIds.Count) errors["columnIds"] = ["Requests.Validation.ColumnsInvalid"];
        }

        if (input.EventDate is { } eventDate && eventDate > DateOnly.FromDateTime(clock.GetLocalNow().DateTime).AddDays(366))
        {
            errors["eventDate"] = ["Requests.Validation.EventDateInvalid"];
        }

        var involved = (input.InvolvedDepartmentIds ?? []).Distinct().ToList();
        if (involved.Count > 0 && await db.Departments.CountAsync(d => involved.Contains(d.Id), cancellationToken) != involved.Count)
        {
            errors["involvedDepartmentIds"] = ["Requests.Validation.DepartmentsInvalid"];
        }

        var body = html.Clean(input.BodyHtml);
        if (body.Length > 1_000_000) errors["bodyHtml"] = ["Requests.Validation.BodyTooLong"];
        if (errors.Count > 0)
        {
            throw new ValidationFailedException(errors, "Common.InvalidInput");
        }

        return new RequestContent(title, body, source, input.Kind ?? ContentKind.Text, input.Importance ?? Importance.Normal,
            input.EventDate ?? DateOnly.FromDateTime(clock.GetLocalNow().DateTime), columnIds, input.DeclarationAccepted, involved, input.InternalMatter);
    }
}

/// <summary>The form as the API and the page send it; missing values are allowed in a draft.</summary>
public sealed record RequestInput(
    string? Title, IReadOnlyList<int>? ColumnIds, ContentKind? Kind, string? BodyHtml, string? Source,
    Importance? Importance, DateOnly? EventDate, bool DeclarationAccepted,
    IReadOnlyList<int>? InvolvedDepartmentIds = null, bool InternalMatter = false);

public sealed record SubmitResult(PublicationRequest Request, Screening.ScreeningReport Screening);

public sealed record RequestFilter(RequestStatus? Status = null, int? DepartmentId = null, bool Mine = false, int? After = null, int Limit = 50, string? Query = null);

public sealed record RequestListItem(int Id, string Title, RequestStatus Status, Importance Importance, int DepartmentId, string Department, string? CurrentRole, DateTimeOffset UpdatedAt, DateOnly EventDate, int Version);
