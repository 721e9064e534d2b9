using System.Security.Cryptography;
using InfoPortal.Data;
using InfoPortal.Infrastructure.Cluster;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Infrastructure.Files;

/// <summary>
/// Start-up refuses a file store it cannot use (issue 13 item 1, ADR 0027): the folder under
/// <c>Storage:Root</c> must take a file and give the same bytes back; and on PostgreSQL — where
/// several instances share one database — it must be the store this database already uses, known
/// by a marker file whose id the database keeps. An instance started with its own local folder
/// therefore stops at start-up instead of screening and serving files it does not have.
/// </summary>
public static class FileStoreCheck
{
    public const string MarkerFile = ".infoportal-store";

    /// <summary>The <c>ClusterVersions</c> row holding the store's id (its version never moves).</summary>
    public const string MarkerTopic = "file-store";

    public static async Task VerifyAsync(DatabaseSettings settings, PortalDbContext db, CancellationToken cancellationToken = default)
    {
        var root = settings.StorageRoot;
        try
        {
            Directory.CreateDirectory(Path.Combine(root, "files"));
            var probe = Path.Combine(root, $".probe-{Guid.NewGuid():N}");
            var bytes = RandomNumberGenerator.GetBytes(64);
            await File.WriteAllBytesAsync(probe, bytes, cancellationToken);
            var back = await File.ReadAllBytesAsync(probe, cancellationToken);
            File.Delete(probe);
            if (!back.AsSpan().SequenceEqual(bytes))
            {
                throw new IOException("the bytes read back differ from the bytes written");
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"Storage:Root '{root}' cannot be written and read back ({ex.Message}). Uploads, PDFs and the archive live there: fix the folder or its permissions.", ex);
        }

        if (settings.Provider != DatabaseProvider.Postgres)
        {
            return;
        }

        var markerPath = Path.Combine(root, MarkerFile);
        var onDisk = File.Exists(markerPath) && long.TryParse((await File.ReadAllTextAsync(markerPath, cancellationToken)).Trim(), System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : (long?)null;
        var inDatabase = await db.ClusterVersions.AsNoTracking().Where(v => v.Topic == MarkerTopic).Select(v => (long?)v.Version).SingleOrDefaultAsync(cancellationToken);
        if (inDatabase is { } expected)
        {
            if (onDisk != expected)
            {
                throw new InvalidOperationException(
                    $"Storage:Root '{root}' is not the file store this database uses (marker {(onDisk is null ? "missing" : onDisk.ToString())}, expected {expected}). " +
                    "Every instance must mount the same shared folder as Storage:Root (README, \"Running several instances\").");
            }

            return;
        }

        // First start on this database (or an upgrade): adopt the store, marking it on both sides.
        var storeId = onDisk ?? Math.Abs(BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8)) | 1);
        if (onDisk is null)
        {
            await File.WriteAllTextAsync(markerPath, storeId.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        }

        db.ClusterVersions.Add(new ClusterVersion { Topic = MarkerTopic, Version = storeId });
        await db.SaveChangesAsync(cancellationToken);
    }
}
