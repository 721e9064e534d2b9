using System.Globalization;
using InfoPortal.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace InfoPortal.Infrastructure.Jobs;

/// <summary>Settings under <c>Jobs:Backup</c>.</summary>
public sealed class BackupOptions
{
    public const string Section = "Jobs:Backup";

    /// <summary>Where the dated copies go; default: a backups folder next to the database file.</summary>
    public string? Folder { get; set; }

    /// <summary>How many dated copies to keep (the newest).</summary>
    public int Keep { get; set; } = 14;
}

/// <summary>
/// Daily backup of the database and the file store together (issue 10 item 12, ADR 0024). On
/// SQLite: <c>VACUUM INTO</c> a temporary file, moved over portal-yyyy-MM-dd.db, then every file
/// of the store copied (and its SHA-256 checked) into portal-yyyy-MM-dd.files/. The database is
/// copied first: every file a row names was stored before that row committed (ADR 0005, 0021), so
/// the copied store holds everything the copied database refers to — files added meanwhile are
/// harmless extras. A rerun the same day replaces the copy; a run killed mid-way leaves only
/// temporary names that the next run deletes; the newest N are kept. <c>-- restore BACKUP</c>
/// (<see cref="BackupRestore"/>) puts both back and verifies them. On PostgreSQL the server's own
/// tools (pg_dump, base backups with WAL archiving) are the right ones: the run is Skipped.
/// </summary>
public sealed class BackupJob(DatabaseSettings database, Files.FileStore store, IOptions<BackupOptions> options, ILogger<BackupJob> logger) : PeriodicJob
{
    public const string JobName = "database-backup";
    public const string FilePrefix = "portal-";

    public override string Name => JobName;

    public override PeriodKind Kind => PeriodKind.Day;

    public override string DefaultCron => "30 2 * * *";

    /// <summary>Today's copy: the run at 02:30 backs up the database as it is now.</summary>
    public override JobPeriod PeriodAt(DateTime local) => JobPeriod.Containing(Kind, local);

    /// <summary>A copy of today is all a restart can make; past days' copies cannot be made now.</summary>
    public override int? CatchUpPeriods => 1;

    public string Folder => options.Value.Folder is { Length: > 0 } folder
        ? Path.GetFullPath(folder)
        : Path.Combine(Path.GetDirectoryName(database.SqliteFilePath) ?? ".", "backups");

    public override async Task<JobResult> RunAsync(JobPeriod period, CancellationToken cancellationToken)
    {
        if (database.Provider != DatabaseProvider.Sqlite || database.SqliteFilePath is null)
        {
            logger.LogInformation("Database backup skipped: on PostgreSQL, backups belong to the server's own tools (pg_dump, base backups with WAL archiving)");
            return JobResult.Skip("PostgreSQL: use pg_dump or base backups");
        }

        Directory.CreateDirectory(Folder);
        var target = Path.Combine(Folder, $"{FilePrefix}{period.FirstDay.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.db");
        var temporary = target + ".partial";
        File.Delete(temporary);
        await using (var connection = new SqliteConnection(database.ConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "VACUUM INTO $path";
            command.Parameters.AddWithValue("$path", temporary);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        File.Move(temporary, target, overwrite: true);
        var size = new FileInfo(target).Length;
        var copied = await BackupRestore.CopyStoreAsync(store, FilesFolderOf(target), cancellationToken);

        var keep = Math.Max(1, options.Value.Keep);
        var old = Directory.GetFiles(Folder, FilePrefix + "*.db").OrderByDescending(Path.GetFileName, StringComparer.Ordinal).Skip(keep).ToList();
        foreach (var file in old)
        {
            File.Delete(file);
            if (Directory.Exists(FilesFolderOf(file)))
            {
                Directory.Delete(FilesFolderOf(file), recursive: true);
            }
        }

        foreach (var partial in Directory.GetFiles(Folder, FilePrefix + "*.db.partial"))
        {
            File.Delete(partial);
        }

        foreach (var partial in Directory.GetDirectories(Folder, FilePrefix + "*.files.partial"))
        {
            Directory.Delete(partial, recursive: true);
        }

        return JobResult.Done(1, $"{Path.GetFileName(target)} {size.ToString(CultureInfo.InvariantCulture)} bytes, {copied.ToString(CultureInfo.InvariantCulture)} files; {old.Count} old cop(ies) removed");
    }

    /// <summary>The file-store half of a backup: portal-yyyy-MM-dd.files next to portal-yyyy-MM-dd.db.</summary>
    public static string FilesFolderOf(string databaseCopy) => Path.ChangeExtension(databaseCopy, ".files");
}
