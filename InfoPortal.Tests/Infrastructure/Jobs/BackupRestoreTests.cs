using System.Net;
using InfoPortal.Data;
using InfoPortal.Infrastructure.Files;
using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Tests.Features.Screening;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Infrastructure.Jobs;

/// <summary>
/// Issue 10 item 12: a backup is the database and the file store together; restored into a new
/// folder, the audit chain, the archive chain (its 申请表 PDFs included) and every file verify, and
/// the attachments are served again. SQLite only: on PostgreSQL the database half is pg_dump's
/// (the job skips, BackupJobTests), and <c>restore</c> says so.
/// </summary>
public sealed class BackupRestoreTests
{
    [Fact]
    public async Task Backup_ThenRestoreIntoANewFolder_AuditArchiveAndEveryFileVerify()
    {
        int id, attachmentId;
        byte[] attachmentBytes = ScreeningFixtures.Pdf("春季检查情况通报");
        string backup;
        await using (var source = await PortalFactory.CreateAsync("Sqlite"))
        {
            using var officer = await ApiClient.SignInAsync(source, "officer");
            using var depthead = await ApiClient.SignInAsync(source, "depthead");
            using var director = await ApiClient.SignInAsync(source, "director");
            using var publisher = await ApiClient.SignInAsync(source, "publisher");
            id = await officer.DraftAsync("备份恢复测试稿件");
            var uploaded = await ApiClient.EnsureAsync(await ScreeningFixtures.UploadAsync(officer, id, "通报.pdf", attachmentBytes), HttpStatusCode.OK);
            attachmentId = uploaded.GetProperty("id").GetInt32();
            await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
            await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
            await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
            await ApiClient.ApproveRemainingAsync(source, id, director); // the internet needs a leader (ADR 0045)
            await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);

            var day = new JobPeriod(PeriodKind.Day, DateTime.Today);
            var run = await source.Services.GetRequiredService<JobRunner>().RunAsync(BackupJob.JobName, day, "test");
            Assert.Equal(JobOutcome.Succeeded, run.Outcome);
            backup = Path.Combine(source.DataFolder, "backups", $"portal-{DateTime.Today:yyyy-MM-dd}.db");
            Assert.True(File.Exists(backup));
            var storeFiles = source.Services.GetRequiredService<FileStore>().All().Order(StringComparer.Ordinal).ToList();
            Assert.True(storeFiles.Count >= 2, "the attachment and the archived 申请表 PDF");
            Assert.Equal(storeFiles, Directory.EnumerateFiles(BackupJob.FilesFolderOf(backup), "*", SearchOption.AllDirectories).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal).ToList<string>());
            Assert.Contains($"{storeFiles.Count} files", run.Summary, StringComparison.Ordinal);

            // The backup outlives its source: copy it out before the source folder goes.
            var keep = Path.Combine(Path.GetTempPath(), "infoportal-tests", "backup-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(keep);
            File.Copy(backup, Path.Combine(keep, Path.GetFileName(backup)));
            CopyFolder(BackupJob.FilesFolderOf(backup), BackupJob.FilesFolderOf(Path.Combine(keep, Path.GetFileName(backup))));
            backup = Path.Combine(keep, Path.GetFileName(backup));
        }

        try
        {
            await using var restored = new PortalFactory();
            var settings = new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(restored.DataFolder, "portal.db")}", Path.Combine(restored.DataFolder, "files"));
            using var log = new StringWriter();
            await BackupRestore.RestoreFilesAsync(backup, settings, log);

            // A restore never overwrites: the same target again is refused.
            await Assert.ThrowsAsync<InvalidOperationException>(() => BackupRestore.RestoreFilesAsync(backup, settings, log));

            Assert.True(await InfoPortal.Commands.RestoreCommand.VerifyAsync(restored.Services, log), log.ToString());
            var report = log.ToString();
            Assert.Contains("audit: OK", report, StringComparison.Ordinal);
            Assert.Contains("archive: OK (1 records)", report, StringComparison.Ordinal);
            Assert.Contains("files: OK (1 attachment files)", report, StringComparison.Ordinal);

            // The restored portal serves the published item and its attachment, byte for byte.
            using var anonymous = restored.CreatePortalClient();
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/articles/{id}")).StatusCode);
            var file = await anonymous.GetAsync($"/files/{attachmentId}");
            Assert.Equal(HttpStatusCode.OK, file.StatusCode);
            Assert.Equal(attachmentBytes, await file.Content.ReadAsByteArrayAsync());
            await using var db = restored.CreateDbContext();
            Assert.Equal(1, await db.ArchiveRecords.CountAsync(r => r.RequestId == id));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(backup)!, recursive: true);
        }
    }

    [Fact]
    public async Task Restore_OfADamagedBackupFile_IsRefused()
    {
        var folder = Path.Combine(Path.GetTempPath(), "infoportal-tests", "damaged-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var backup = Path.Combine(folder, "portal-2026-12-01.db");
            Directory.CreateDirectory(folder);
            await File.WriteAllBytesAsync(backup, [1, 2, 3]);
            var sha = new string('a', 64);
            Directory.CreateDirectory(Path.Combine(BackupJob.FilesFolderOf(backup), "aa"));
            await File.WriteAllTextAsync(Path.Combine(BackupJob.FilesFolderOf(backup), "aa", sha), "not what the name says");
            var target = Path.Combine(folder, "target");
            var settings = new DatabaseSettings(DatabaseProvider.Sqlite, $"Data Source={Path.Combine(target, "portal.db")}", Path.Combine(target, "files"));
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => BackupRestore.RestoreFilesAsync(backup, settings, TextWriter.Null));
            Assert.Contains(sha, error.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(new FileStore(settings).PathOf(sha)));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var path in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, path));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(path, target);
        }
    }
}
