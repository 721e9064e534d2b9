using System.Security.Cryptography;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Archive;
using InfoPortal.Features.Audit;
using InfoPortal.Infrastructure.Files;
using InfoPortal.Infrastructure.Jobs;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Commands;

/// <summary>
/// <c>-- restore BACKUP</c>: copies a backup's database and files into a new, empty place
/// (<see cref="BackupRestore"/>), migrates, and verifies what must never be lost.
/// </summary>
public static class RestoreCommand
{
    private static readonly Actor Restorer = new(null, "restore", "restore", null, new HashSet<string> { Roles.AuditAdmin }, null);

    public static async Task<int> RunAsync(WebApplication app, string backupPath, TextWriter output, TextWriter error)
    {
        try
        {
            await BackupRestore.RestoreFilesAsync(backupPath, app.Services.GetRequiredService<DatabaseSettings>(), output);
        }
        catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException)
        {
            await error.WriteLineAsync($"FAIL: {ex.Message}");
            return 1;
        }

        await app.InitializeAsync(seedDemo: false);
        return await VerifyAsync(app.Services, output) ? 0 : 1;
    }

    /// <summary>Verifies a (restored) portal: audit chain, archive chain and files, every attachment's file. Writes what it found.</summary>
    public static async Task<bool> VerifyAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken = default)
    {
        using var scope = services.CreateScope();
        var audit = await scope.ServiceProvider.GetRequiredService<AuditLog>().VerifyAsync(Restorer, cancellationToken);
        await output.WriteLineAsync($"audit: {(audit.Ok ? "OK" : "BROKEN")} ({audit.Checked} records{(audit.Ok ? "" : $", first broken id {audit.FirstBrokenId}")})");
        var archive = await scope.ServiceProvider.GetRequiredService<ArchiveService>().VerifyAsync(Restorer, cancellationToken);
        await output.WriteLineAsync($"archive: {(archive.Ok ? "OK" : "BROKEN")} ({archive.Checked} records{(archive.Ok ? "" : $", first broken record {archive.FirstBrokenSequence}: {archive.Problem}")})");

        var store = scope.ServiceProvider.GetRequiredService<FileStore>();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(cancellationToken);
        var shas = await db.Attachments.AsNoTracking().Select(a => a.Sha256).Distinct().ToListAsync(cancellationToken);
        var bad = new List<string>();
        foreach (var sha in shas)
        {
            await using var stream = store.OpenRead(sha);
            if (stream is null || Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken)) != sha)
            {
                bad.Add(sha);
            }
        }

        await output.WriteLineAsync($"files: {(bad.Count == 0 ? "OK" : "BROKEN")} ({shas.Count} attachment files{(bad.Count == 0 ? "" : $"; missing or altered: {string.Join(", ", bad)}")})");
        return audit.Ok && archive.Ok && bad.Count == 0;
    }
}
