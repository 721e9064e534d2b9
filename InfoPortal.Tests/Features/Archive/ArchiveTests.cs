using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Archive;
using InfoPortal.Infrastructure.Files;
using InfoPortal.Tests.Infrastructure.Pdf;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Archive;

/// <summary>
/// 永久保留 on both databases: a record at publish and at takedown, the chain verifies, the
/// database refuses changes, a byte altered behind the triggers' back is found, and an
/// inspection export is checked offline by verify-export (run in-process).
/// </summary>
public sealed class ArchiveTests
{
    private static readonly Actor Auditor = new(null, "auditor", "卫审计", null, new HashSet<string> { Roles.AuditAdmin }, null);

    private static async Task<int> PublishedAndTakenDownAsync(PortalFactory app)
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var id = await officer.DraftAsync("县局开展春季药品安全检查");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id, "内容属实，同意报送。"), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id, "同意发布。"), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await publisher.TakeDownAsync(id, "信息已过时"), HttpStatusCode.OK);
        return id;
    }

    private static async Task<ArchiveVerification> VerifyAsync(PortalFactory app)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<ArchiveService>().VerifyAsync(Auditor);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task PublishAndTakedown_EachAppendARecord_ThatChainAndVerify(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var id = await PublishedAndTakenDownAsync(app);

        await using var db = app.CreateDbContext();
        var records = await db.ArchiveRecords.Where(r => r.RequestId == id).OrderBy(r => r.Sequence).ToListAsync();
        Assert.Equal([ArchiveKind.Published, ArchiveKind.TakenDown], records.Select(r => r.Kind));
        Assert.Equal(records[0].Hash, records[1].PreviousHash);
        var request = await db.Requests.SingleAsync(r => r.Id == id);
        Assert.All(records, r => Assert.Equal(request.ContentSha256, r.ContentSha256));
        Assert.Contains("同意发布。", records[0].ApprovalChainJson);
        Assert.Contains("孙主任", records[0].ApprovalChainJson);
        Assert.NotNull(records[0].ScreeningJson);

        // The archived 申请表 is in the file store under its hash and shows the approval record.
        await using (var stored = app.Services.GetRequiredService<FileStore>().OpenRead(records[0].FormPdfSha256))
        {
            Assert.NotNull(stored);
            using var copy = new MemoryStream();
            await stored.CopyToAsync(copy);
            using var pdf = UglyToad.PdfPig.PdfDocument.Open(copy.ToArray());
            var text = string.Concat(pdf.GetPages().Select(p => PdfComposerTests.Squash(p.Text)));
            Assert.Contains("县局开展春季药品安全检查", text);
            Assert.Contains("内容属实，同意报送。", text);
            Assert.Contains(request.ContentSha256, text);
        }

        var result = await VerifyAsync(app);
        Assert.True(result.Ok, result.Problem);
        Assert.Equal(2, result.Checked);

        // The database itself refuses to change or delete a record.
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("""UPDATE "ArchiveRecords" SET "Title" = 'x' WHERE "Id" = {0}""", records[0].Id));
        await Assert.ThrowsAnyAsync<Exception>(() => db.Database.ExecuteSqlRawAsync("""DELETE FROM "ArchiveRecords" WHERE "Id" = {0}""", records[1].Id));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_OneByteAlteredInTheDatabase_NamesThatRecord(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var id = await PublishedAndTakenDownAsync(app);
        await using var db = app.CreateDbContext();
        var first = await db.ArchiveRecords.Where(r => r.RequestId == id).OrderBy(r => r.Sequence).FirstAsync();

        // An attacker with database access gets past the triggers first.
        if (app.Provider == "Postgres")
        {
            await db.Database.ExecuteSqlRawAsync("""DROP TRIGGER "ArchiveRecords_NoChange" ON "ArchiveRecords";""");
        }
        else
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER ArchiveRecords_NoUpdate;");
        }

        // One character of one opinion: 同意发布 → 同意发表.
        Assert.Equal(1, await db.Database.ExecuteSqlRawAsync(
            """UPDATE "ArchiveRecords" SET "ApprovalChainJson" = REPLACE("ApprovalChainJson", '同意发布', '同意发表') WHERE "Id" = {0}""", first.Id));

        var result = await VerifyAsync(app);
        Assert.False(result.Ok);
        Assert.Equal(first.Id, result.FirstBrokenId);
        Assert.Equal("hash", result.Problem);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Verify_StoredPdfAltered_IsDetected(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var id = await PublishedAndTakenDownAsync(app);
        await using var db = app.CreateDbContext();
        var first = await db.ArchiveRecords.Where(r => r.RequestId == id).OrderBy(r => r.Sequence).FirstAsync();
        var path = app.Services.GetRequiredService<FileStore>().PathOf(first.FormPdfSha256);
        var bytes = await File.ReadAllBytesAsync(path);
        bytes[bytes.Length / 2] ^= 1;
        File.SetAttributes(path, FileAttributes.Normal);
        await File.WriteAllBytesAsync(path, bytes);

        var result = await VerifyAsync(app);
        Assert.False(result.Ok);
        Assert.Equal(first.Id, result.FirstBrokenId);
        Assert.Equal("form-pdf", result.Problem);
    }

    [Fact]
    public async Task Export_VerifiesOffline_AndNamesAnAlteredEntryOrManifest()
    {
        await using var app = await PortalFactory.CreateAsync("Sqlite");
        var id = await PublishedAndTakenDownAsync(app);
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var today = DateTime.Today;
        var response = await publisher.Http.GetAsync($"/api/v1/archive/export?from={today.AddDays(-1):yyyy-MM-dd}&to={today.AddDays(1):yyyy-MM-dd}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        var zipBytes = await response.Content.ReadAsByteArrayAsync();

        var dir = Directory.CreateTempSubdirectory("archive-export-");
        try
        {
            var intact = Path.Combine(dir.FullName, "intact.zip");
            await File.WriteAllBytesAsync(intact, zipBytes);
            var (code, output) = await RunVerifyExportAsync(intact);
            Assert.True(code == 0, output);
            Assert.StartsWith("OK", output, StringComparison.Ordinal);

            using (var zip = new ZipArchive(new MemoryStream(zipBytes)))
            {
                var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open()).RootElement;
                Assert.Equal(2, manifest.GetProperty("records").GetArrayLength());
                Assert.All(manifest.GetProperty("entries").EnumerateArray(), e => Assert.Matches("^[0-9a-f]{64}$", e.GetProperty("sha256").GetString()));
                Assert.Contains(zip.Entries, e => e.FullName == $"records/{manifest.GetProperty("records")[0].GetProperty("record").GetProperty("sequence").GetInt64():D6}-Published-request-{id}.pdf");
            }

            // One byte of the first PDF entry flipped.
            var pdfName = "";
            var altered = Path.Combine(dir.FullName, "altered-entry.zip");
            await File.WriteAllBytesAsync(altered, Rewrite(zipBytes, (name, bytes) =>
            {
                if (pdfName == "" && name.EndsWith(".pdf", StringComparison.Ordinal))
                {
                    pdfName = name;
                    bytes[bytes.Length / 2] ^= 1;
                }

                return bytes;
            }));
            (code, output) = await RunVerifyExportAsync(altered);
            Assert.Equal(1, code);
            Assert.Contains($"{pdfName}: altered", output);

            // One character of the manifest changed: a record's title.
            var manifestAltered = Path.Combine(dir.FullName, "altered-manifest.zip");
            await File.WriteAllBytesAsync(manifestAltered, Rewrite(zipBytes, (name, bytes) =>
                name == "manifest.json" ? Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes).Replace("春季药品", "秋季药品", StringComparison.Ordinal)) : bytes));
            (code, output) = await RunVerifyExportAsync(manifestAltered);
            Assert.Equal(1, code);
            Assert.Contains($"(request {id}, Published): altered", output);

            // An entry removed and one added.
            var swapped = Path.Combine(dir.FullName, "swapped.zip");
            await File.WriteAllBytesAsync(swapped, Rewrite(zipBytes, (name, bytes) => name == pdfName ? null : bytes, ("extra.txt", "x"u8.ToArray())));
            (code, output) = await RunVerifyExportAsync(swapped);
            Assert.Equal(1, code);
            Assert.Contains($"{pdfName}: missing", output);
            Assert.Contains("extra.txt: added", output);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Archive_OfficersSeeOnlyTheirOwnDepartment()
    {
        await using var app = await PortalFactory.CreateAsync("Sqlite");
        var id = await PublishedAndTakenDownAsync(app);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var officer2 = await ApiClient.SignInAsync(app, "officer2");
        using var auditor = await ApiClient.SignInAsync(app, "auditor");

        var own = JsonDocument.Parse(await officer.Http.GetStringAsync("/api/v1/archive")).RootElement;
        Assert.Equal(2, own.EnumerateArray().Count(r => r.GetProperty("requestId").GetInt32() == id));
        Assert.Empty(JsonDocument.Parse(await officer2.Http.GetStringAsync("/api/v1/archive")).RootElement.EnumerateArray());
        var departmentId = own[0].GetProperty("departmentId").GetInt32();
        Assert.Equal(HttpStatusCode.Forbidden, (await officer2.Http.GetAsync($"/api/v1/archive?departmentId={departmentId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer2.Http.GetAsync($"/api/v1/archive/export?departmentId={departmentId}")).StatusCode);
        Assert.Equal(2, JsonDocument.Parse(await auditor.Http.GetStringAsync($"/api/v1/archive?departmentId={departmentId}")).RootElement.GetArrayLength());
    }

    private static async Task<(int Code, string Output)> RunVerifyExportAsync(string file)
    {
        using var output = new StringWriter();
        var code = await ExportVerifier.RunAsync(file, output);
        return (code, output.ToString());
    }

    private static byte[] Rewrite(byte[] zipBytes, Func<string, byte[], byte[]?> change, (string Name, byte[] Bytes)? add = null)
    {
        using var source = new ZipArchive(new MemoryStream(zipBytes));
        var target = new MemoryStream();
        using (var zip = new ZipArchive(target, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                using var copy = new MemoryStream();
                using (var s = entry.Open())
                {
                    s.CopyTo(copy);
                }

                if (change(entry.FullName, copy.ToArray()) is { } bytes)
                {
                    using var w = zip.CreateEntry(entry.FullName).Open();
                    w.Write(bytes);
                }
            }

            if (add is { } extra)
            {
                using var w = zip.CreateEntry(extra.Name).Open();
                w.Write(extra.Bytes);
            }
        }

        return target.ToArray();
    }
}
