using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Screening;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Files;
using InfoPortal.Infrastructure.Pdf;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Features.Archive;

/// <summary>
/// The permanent archive (rules.md §1 第十条(二)2; §2 第三章 备案存档): appends a record at publish
/// and at takedown, lists and exports records for an inspection, and verifies the chain and the
/// stored files. Appends are serialised in process; across processes the unique sequence turns a
/// race into a retry (as in <see cref="AuditLog"/>).
/// </summary>
public sealed class ArchiveService(
    IDbContextFactory<PortalDbContext> dbFactory,
    RequestFormPdf forms,
    AgencyClock agency,
    ScreeningService screening,
    FileStore files,
    AuditLog audit,
    TimeProvider clock,
    ILogger<ArchiveService> logger)
{
    /// <summary>May read and export every department's records.</summary>
    public static readonly string[] AllDepartmentRoles = [Roles.Publisher, Roles.AuditAdmin, Roles.OfficeDirector, Roles.Leader, Roles.PrincipalLeader];

    /// <summary>May read and export their own department's records (备案存档).</summary>
    public static readonly string[] OwnDepartmentRoles = [Roles.Officer, Roles.DeptHead];

    internal static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly SemaphoreSlim AppendLock = new(1, 1);
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>Archives the request as it stands now (called right after a publish or takedown commits).</summary>
    public async Task<ArchiveRecord> RecordAsync(ArchiveKind kind, int requestId, CancellationToken cancellationToken = default)
    {
        await using var read = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await read.Requests.AsNoTracking().AsSplitQuery()
            .Include(r => r.Columns).Include(r => r.Decisions).Include(r => r.Attachments)
            .SingleAsync(r => r.Id == requestId, cancellationToken);
        var version = await read.ContentVersions.AsNoTracking().SingleAsync(v => v.RequestId == requestId && v.Number == request.ContentVersion, cancellationToken);
        var attachments = request.Attachments.Where(a => !a.IsRemoved).OrderBy(a => a.Id).ToList();

        // The archived form is the official Chinese one, whoever triggered the archiving.
        var culture = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        PdfDocumentModel model;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = Chinese;
            model = await forms.BuildAsync(request, cancellationToken);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = culture;
        }

        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);
        var pdf = PdfComposer.Render(model, agency.Local(now));
        var pdfSha = await files.SaveAsync(pdf.Bytes, cancellationToken);
        var report = screening.Screen(request.CurrentContent, attachments);
        var chain = request.Decisions.OrderBy(d => d.DecidedAt).ThenBy(d => d.Id).Select(d => new ArchivedDecision(
            d.Round, d.StepIndex, d.StepKey, d.Role, d.ReviewerId, d.ReviewerName, d.Outcome.ToString(), d.Opinion,
            d.DecidedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture), d.ContentVersion, d.ContentSha256, d.AcknowledgedWarnings)).ToList();

        await AppendLock.WaitAsync(cancellationToken);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                    await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                    var last = await db.ArchiveRecords.AsNoTracking().OrderByDescending(r => r.Sequence).Select(r => new { r.Sequence, r.Hash }).FirstOrDefaultAsync(cancellationToken);
                    var record = new ArchiveRecord
                    {
                        Sequence = (last?.Sequence ?? 0) + 1,
                        Kind = kind,
                        RequestId = request.Id,
                        DepartmentId = request.DepartmentId,
                        Title = request.Title,
                        ContentVersion = version.Number,
                        ContentSha256 = version.Sha256,
                        ContentJson = version.SnapshotJson,
                        AttachmentsJson = JsonSerializer.Serialize(attachments.Select(a => new ArchivedFile(a.Sha256, a.FileName, a.ContentType, a.Size, a.Caption)), Canonical),
                        ApprovalChainJson = JsonSerializer.Serialize(chain, Canonical),
                        ScreeningJson = JsonSerializer.Serialize(report, Canonical),
                        FormPdfSha256 = pdfSha,
                        CreatedAt = now,
                        PreviousHash = last?.Hash ?? "",
                    };
                    record.Hash = record.ComputeHash();
                    db.ArchiveRecords.Add(record);
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                    return record;
                }
                catch (DbUpdateException ex) when (attempt < 5)
                {
                    logger.LogInformation(ex, "Archive append raced with another writer (attempt {Attempt})", attempt);
                }
            }
        }
        finally
        {
            AppendLock.Release();
        }
    }

    /// <summary>Records in a date range (local dates, inclusive) and department, oldest first; officers see their own department only.</summary>
    public async Task<IReadOnlyList<ArchiveRecord>> ListAsync(Actor actor, ArchiveFilter filter, CancellationToken cancellationToken = default)
    {
        var department = ScopeOf(actor, filter.DepartmentId);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await Query(db, filter, department).OrderBy(r => r.Sequence).Take(Math.Clamp(filter.Limit, 1, 5000)).ToListAsync(cancellationToken);
    }

    private IQueryable<ArchiveRecord> Query(PortalDbContext db, ArchiveFilter filter, int? department)
    {
        var query = db.ArchiveRecords.AsNoTracking();
        if (department is { } d) query = query.Where(r => r.DepartmentId == d);
        if (filter.From is { } from) { var start = Start(from); query = query.Where(r => r.CreatedAt >= start); }
        if (filter.To is { } to) { var end = Start(to.AddDays(1)); query = query.Where(r => r.CreatedAt < end); }
        return query;
    }

    private DateTimeOffset Start(DateOnly date) =>
        new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), agency.Zone.GetUtcOffset(date.ToDateTime(TimeOnly.MinValue))).ToUniversalTime();

    /// <summary>The department the actor's query is limited to (null = all); refuses anyone without archive access.</summary>
    private static int? ScopeOf(Actor actor, int? wanted)
    {
        if (actor.IsInAnyRole(AllDepartmentRoles))
        {
            return wanted;
        }

        if (actor.IsInAnyRole(OwnDepartmentRoles) && actor.DepartmentId is { } own)
        {
            if (wanted is { } other && other != own)
            {
                throw new ForbiddenException("Archive.Error.OtherDepartment");
            }

            return own;
        }

        throw new ForbiddenException("Archive.Error.Forbidden");
    }

    /// <summary>
    /// Walks the whole chain in sequence order: each record's hash, its link to the previous one,
    /// gap-free sequence numbers, and the stored PDF and attachment files re-hashed.
    /// </summary>
    public async Task<ArchiveVerification> VerifyAsync(Actor actor, CancellationToken cancellationToken = default)
    {
        if (!actor.IsInAnyRole(AllDepartmentRoles))
        {
            throw new ForbiddenException("Archive.Error.Forbidden");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var previous = "";
        long expected = 1;
        var checkedCount = 0;
        ArchiveVerification? result = null;
        await foreach (var record in db.ArchiveRecords.AsNoTracking().OrderBy(r => r.Sequence).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            checkedCount++;
            var problem = record.Sequence != expected ? "sequence"
                : record.PreviousHash != previous ? "link"
                : record.ComputeHash() != record.Hash ? "hash"
                : await FileProblemAsync(record, cancellationToken);
            if (problem is not null)
            {
                result = new ArchiveVerification(false, checkedCount, record.Id, record.Sequence, problem);
                break;
            }

            previous = record.Hash;
            expected++;
        }

        result ??= new ArchiveVerification(true, checkedCount, null, null, null);
        await audit.AppendAsync(actor, "ArchiveVerified", null, result.Ok ? AuditOutcome.Success : AuditOutcome.Failure,
            result.Ok ? $"{checkedCount} records" : $"first broken record {result.FirstBrokenSequence} ({result.Problem})", cancellationToken);
        return result;
    }

    private async Task<string?> FileProblemAsync(ArchiveRecord record, CancellationToken cancellationToken)
    {
        if (!await StoredFileMatchesAsync(record.FormPdfSha256, cancellationToken))
        {
            return "form-pdf";
        }

        foreach (var file in JsonSerializer.Deserialize<List<ArchivedFile>>(record.AttachmentsJson, Canonical) ?? [])
        {
            if (!await StoredFileMatchesAsync(file.Sha256, cancellationToken))
            {
                return $"file:{file.Sha256}";
            }
        }

        return null;
    }

    private async Task<bool> StoredFileMatchesAsync(string sha256, CancellationToken cancellationToken)
    {
        await using var stream = files.OpenRead(sha256);
        return stream is not null && Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken)) == sha256;
    }

    /// <summary>
    /// The inspection export: a .zip with each record's 申请表 PDF, the original attachment files and
    /// manifest.json (every entry with its SHA-256, every record's hashed fields and chain hashes).
    /// </summary>
    public async Task ExportAsync(Actor actor, ArchiveFilter filter, Stream output, CancellationToken cancellationToken = default)
    {
        var department = ScopeOf(actor, filter.DepartmentId);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var records = await Query(db, filter, department).OrderBy(r => r.Sequence).ToListAsync(cancellationToken);
        var entries = new List<ManifestEntry>();
        var written = new HashSet<string>(StringComparer.Ordinal);
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            async Task AddAsync(string name, string sha256)
            {
                if (!written.Add(name))
                {
                    return;
                }

                await using var source = files.OpenRead(sha256) ?? throw new ConflictException("Archive.Error.FileMissing");
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                await using (var target = await entry.OpenAsync(cancellationToken))
                {
                    await source.CopyToAsync(target, cancellationToken);
                }

                entries.Add(new ManifestEntry(name, sha256, source.Length));
            }

            var manifestRecords = new List<ManifestRecord>();
            foreach (var record in records)
            {
                var pdfName = $"records/{record.Sequence:D6}-{record.Kind}-request-{record.RequestId}.pdf";
                await AddAsync(pdfName, record.FormPdfSha256);
                var fileNames = new List<string>();
                foreach (var file in JsonSerializer.Deserialize<List<ArchivedFile>>(record.AttachmentsJson, Canonical) ?? [])
                {
                    var name = $"files/{file.Sha256}{Path.GetExtension(file.FileName).ToLowerInvariant()}";
                    await AddAsync(name, file.Sha256);
                    fileNames.Add(name);
                }

                manifestRecords.Add(new ManifestRecord(record.ToData(), pdfName, fileNames));
            }

            var manifest = new ArchiveManifest(1, clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), department,
                entries, manifestRecords);
            var manifestEntry = zip.CreateEntry(ArchiveManifest.FileName, CompressionLevel.Optimal);
            await using var stream = await manifestEntry.OpenAsync(cancellationToken);
            await JsonSerializer.SerializeAsync(stream, manifest, ArchiveManifest.Json, cancellationToken);
        }

        await audit.AppendAsync(actor, "ArchiveExported", department is { } d ? $"department:{d}" : null, AuditOutcome.Success,
            $"{filter.From:yyyy-MM-dd}..{filter.To:yyyy-MM-dd}; {records.Count} records, {entries.Count} files", cancellationToken);
    }
}

public sealed record ArchiveFilter(DateOnly? From = null, DateOnly? To = null, int? DepartmentId = null, int Limit = 1000);

public sealed record ArchiveVerification(bool Ok, int Checked, long? FirstBrokenId, long? FirstBrokenSequence, string? Problem);

public sealed record ArchivedDecision(
    int Round, int StepIndex, string StepKey, string Role, int ReviewerId, string Reviewer, string Outcome, string Opinion,
    string DecidedAt, int ContentVersion, string ContentSha256, bool AcknowledgedWarnings);
