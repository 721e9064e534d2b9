using System.Security.Cryptography;
using InfoPortal.Data;
using InfoPortal.Infrastructure.Files;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Infrastructure.Jobs;

/// <summary>
/// The file-store half of a backup, and <c>-- restore BACKUP</c>: a backup is portal-yyyy-MM-dd.db
/// with portal-yyyy-MM-dd.files/ beside it (see <see cref="BackupJob"/>). A restore goes into a new,
/// empty place (the configured SQLite file must not exist yet, nor files in Storage:Root), copies
/// both back with every file's SHA-256 checked, migrates, and then verifies the audit chain, the
/// archive chain (with every archived file re-hashed) and every attachment's file (issue 10 item 12):
/// the verification is <c>InfoPortal.Commands.RestoreCommand</c>, since it reads several features.
/// </summary>
public static class BackupRestore
{
    /// <summary>Copies every file of the store into <paramref name="folder"/> (via a .partial folder), checking each hash; returns how many.</summary>
    public static async Task<int> CopyStoreAsync(FileStore store, string folder, CancellationToken cancellationToken)
    {
        var partial = folder + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(partial);
        var count = 0;
        foreach (var sha in store.All())
        {
            await CopyVerifiedAsync(store.PathOf(sha), Path.Combine(partial, sha[..2], sha), sha, cancellationToken);
            count++;
        }

        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        Directory.Move(partial, folder);
        return count;
    }

    /// <summary>Puts a backup's database and files where <paramref name="target"/> says; refuses to overwrite anything.</summary>
    public static async Task RestoreFilesAsync(string backup, DatabaseSettings target, TextWriter output, CancellationToken cancellationToken = default)
    {
        if (target.SqliteFilePath is not { } databasePath)
        {
            throw new InvalidOperationException("restore handles SQLite backups; on PostgreSQL restore the database with pg_restore and copy the files folder into Storage:Root/files.");
        }

        var database = Path.GetFullPath(backup.EndsWith(".files", StringComparison.Ordinal) ? Path.ChangeExtension(backup, ".db") : backup);
        var files = BackupJob.FilesFolderOf(database);
        if (!File.Exists(database) || !Directory.Exists(files))
        {
            throw new InvalidOperationException($"{backup}: a backup is {Path.GetFileName(database)} with {Path.GetFileName(files)}/ beside it; not found.");
        }

        var store = new FileStore(target);
        if (File.Exists(databasePath) || store.All().Any())
        {
            throw new InvalidOperationException($"restore goes into a new place: {databasePath} or the file store under {target.StorageRoot} already holds data.");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(databasePath)!);
        File.Copy(database, databasePath + ".partial", overwrite: true);
        File.Move(databasePath + ".partial", databasePath);
        var count = 0;
        foreach (var path in Directory.EnumerateFiles(files, "*", SearchOption.AllDirectories))
        {
            var sha = Path.GetFileName(path);
            await CopyVerifiedAsync(path, store.PathOf(sha), sha, cancellationToken);
            count++;
        }

        await output.WriteLineAsync($"restored {Path.GetFileName(database)} to {databasePath} and {count} files to {target.StorageRoot}");
    }

    private static async Task CopyVerifiedAsync(string source, string target, string sha, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = target + ".partial";
        using (var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256))
        {
            await using var input = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            await using var copy = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            var buffer = new byte[81920];
            int read;
            while ((read = await input.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await copy.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            if (Convert.ToHexStringLower(hash.GetHashAndReset()) != sha)
            {
                throw new InvalidDataException($"file {sha} is damaged (its content does not hash to its name): {source}");
            }
        }

        File.Move(temporary, target, overwrite: true);
    }
}
