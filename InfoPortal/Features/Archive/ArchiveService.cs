using System.Globalization;
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
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
/// stored files. Records are staged in the publish or takedown transaction and chained under the
/// database's chain lock (ADR 0021), never after the commit.
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
    internal static readonly JsonSerializerOptions Canonical = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
    };

    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");

    /// <summary>
    /// Stages the archive record of <paramref name="request"/> as it stands in <paramref name="db"/>
    /// (tracked, with columns, decisions and attachments loaded, the publish or takedown already
    /// applied): the 申请表 PDF is rendered and stored in the file store now, before the commit (an
    /// orphan file after a rollback is harmless, ADR 0005); the record is numbered, hashed and
    /// written by the caller's save, in the same transaction as the publish or takedown (ADR 0021).
    /// </summary>
    public async Task<ArchiveRecord> StageAsync(PortalDbContext db, ArchiveKind kind, PublicationRequest request, CancellationToken cancellationToken = default)
    {
        var version = await db.ContentVersions.AsNoTracking().SingleAsync(v => v.RequestId == request.Id && v.Number == request.ContentVersion, cancellationToken);
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
        var pdf = PdfComposer.Render(model, agency.Local(now), kept: true);
        var pdfSha = await files.SaveAsync(pdf.Bytes, cancellationToken);
        var report = screening.Screen(request.CurrentContent, attachments);
        var chain = request.Decisions.OrderBy(d => d.DecidedAt).ThenBy(d => d.Id).Select(d => new ArchivedDecision(
            d.Round, d.StepIndex, d.StepKey, d.Role, d.ReviewerId, d.ReviewerName, d.Outcome.ToString(), d.Opinion,
            d.DecidedAt.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture), d.ContentVersion, d.ContentSha256, d.AcknowledgedWarnings)).ToList();

        var record = new ArchiveRecord
        {
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
        };
        db.ArchiveRecords.Add(record);
        return record;
    }

    /// <summary>
    /// Start-up check (ADR 0021): every request that was ever published must have its archive
    /// record. Since publish and archive commit together this cannot happen any more; rows from
    /// before are reported (error log and one audit record naming them), never invented afterwards.
    /// </summary>
    public async Task<IReadOnlyList<int>> ReportMissingRecordsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var missing = await db.Publications.AsNoTracking()
            .Select(p => p.RequestId).Distinct()
            .Where(id => !db.ArchiveRecords.Any(a => a.RequestId == id && a.Kind == ArchiveKind.Published))
            .OrderBy(id => id).Take(1000).ToListAsync(cancellationToken);
        if (missing.Count > 0)
        {
            var list = string.Join(",", missing);
            logger.LogError("Published requests without an archive record (from before archive and publish shared one transaction): {Requests}", list);
            await audit.AppendAsync(new AuditEntry(null, "system", null, "ArchiveRecordsMissing", null, AuditOutcome.Failure, $"{missing.Count} published requests without an archive record: {list}"), CancellationToken.None);
        }

        return missing;
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
        if (actor.Has(Permissions.Archive.ReadAll))
        {
            return wanted;
        }

        if (actor.Has(Permissions.Archive.ReadDepartment) && actor.DepartmentId is { } own)
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
        if (!actor.Has(Permissions.Archive.ReadAll))
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
    /// Checks everything that can refuse the export first (<see cref="PrepareExportAsync"/>), so the
    /// caller can stream the zip straight to the client with memory that stays flat whatever the
    /// archive's size (issue 10 item 8): files are copied through a small buffer, never held whole.
    /// </summary>
    public async Task ExportAsync(Actor actor, ArchiveFilter filter, Stream output, CancellationToken cancellationToken = default)
    {
        var export = await PrepareExportAsync(actor, filter, cancellationToken);
        await export.WriteAsync(output, cancellationToken);
    }

    /// <summary>
    /// Authorises the export, reads the records and checks that every file they name is in the
    /// store; throws (403, 409 Archive.Error.FileMissing) before a byte of the zip is written.
    /// </summary>
    public async Task<ArchiveExport> PrepareExportAsync(Actor actor, ArchiveFilter filter, CancellationToken cancellationToken = default)
    {
        var department = ScopeOf(actor, filter.DepartmentId);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var records = await Query(db, filter, department).OrderBy(r => r.Sequence).ToListAsync(cancellationToken);
        var shas = new HashSet<string>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            shas.Add(record.FormPdfSha256);
            shas.UnionWith((JsonSerializer.Deserialize<List<ArchivedFile>>(record.AttachmentsJson, Canonical) ?? []).Select(f => f.Sha256));
        }

        if (shas.Any(sha => !File.Exists(files.PathOf(sha))))
        {
            throw new ConflictException("Archive.Error.FileMissing");
        }

        // Audited when the export is handed out, so a client that stops reading half-way is on record too.
        await audit.AppendAsync(actor, "ArchiveExported", department is { } d ? $"department:{d}" : null, AuditOutcome.Success,
            $"{filter.From:yyyy-MM-dd}..{filter.To:yyyy-MM-dd}; {records.Count} records, {shas.Count} files", CancellationToken.None);
        return new ArchiveExport(files, clock, filter, department, records);
    }

    /// <summary>An export whose checks passed: <see cref="WriteAsync"/> streams the zip and audits it.</summary>
    public sealed class ArchiveExport
    {
        private readonly FileStore _files;
        private readonly TimeProvider _clock;
        private readonly ArchiveFilter _filter;
        private readonly int? _department;
        private readonly IReadOnlyList<ArchiveRecord> _records;

        internal ArchiveExport(FileStore files, TimeProvider clock, ArchiveFilter filter, int? department, IReadOnlyList<ArchiveRecord> records) =>
            (_files, _clock, _filter, _department, _records) = (files, clock, filter, department, records);

        public int RecordCount => _records.Count;

        public async Task WriteAsync(Stream output, CancellationToken cancellationToken = default)
        {
            var entries = new List<ManifestEntry>();
            var written = new HashSet<string>(StringComparer.Ordinal);
            // Create mode on a forward-only stream writes each entry as it goes (data descriptors),
            // and the async API never blocks a Kestrel thread on the response body.
            await using (var zip = await ZipArchive.CreateAsync(output, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, cancellationToken))
            {
                async Task AddAsync(string name, string sha256)
                {
                    if (!written.Add(name))
                    {
                        return;
                    }

                    await using var source = _files.OpenRead(sha256) ?? throw new ConflictException("Archive.Error.FileMissing");
                    // PDFs, images, video and Office files are compressed already: stored as they are.
                    var entry = zip.CreateEntry(name, CompressionLevel.NoCompression);
                    entry.LastWriteTime = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
                    await using (var target = await entry.OpenAsync(cancellationToken))
                    {
                        await source.CopyToAsync(target, 81920, cancellationToken);
                    }

                    entries.Add(new ManifestEntry(name, sha256, source.Length));
                }

                var manifestRecords = new List<ManifestRecord>();
                foreach (var record in _records)
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

                var manifest = new ArchiveManifest(1, _clock.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
                    _filter.From?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), _filter.To?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), _department,
                    entries, manifestRecords);
                var manifestEntry = zip.CreateEntry(ArchiveManifest.FileName, CompressionLevel.Optimal);
                await using var stream = await manifestEntry.OpenAsync(cancellationToken);
                await JsonSerializer.SerializeAsync(stream, manifest, ArchiveManifest.Json, cancellationToken);
            }

        }
    }
}

public sealed record ArchiveFilter(DateOnly? From = null, DateOnly? To = null, int? DepartmentId = null, int Limit = 1000);

public sealed record ArchiveVerification(bool Ok, int Checked, long? FirstBrokenId, long? FirstBrokenSequence, string? Problem);

public sealed record ArchivedDecision(
    int Round, int StepIndex, string StepKey, string Role, int ReviewerId, string Reviewer, string Outcome, string Opinion,
    string DecidedAt, int ContentVersion, string ContentSha256, bool AcknowledgedWarnings);
