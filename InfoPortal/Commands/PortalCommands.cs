using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Archive;

namespace InfoPortal.Commands;

/// <summary>
/// The operator's commands, all in one place (ADR 0057): <c>verify-export FILE</c>, <c>restore BACKUP</c>,
/// <c>create-admin NAME</c>, <c>create-auditor NAME</c>. The benches are a program of their own
/// (<c>InfoPortal.Benchmarks</c>), so none of their code ships in the portal.
/// </summary>
public static class PortalCommands
{
    /// <summary>Runs the command <paramref name="args"/> name and returns its exit code, or null when they name none (then the portal runs).</summary>
    public static async Task<int?> TryRunAsync(string[] args)
    {
        switch (args)
        {
            case ["verify-export", var exportFile]:
                return await ExportVerifier.RunAsync(exportFile, Console.Out);
            case ["restore", var backupPath, ..]:
                return await RestoreCommand.RunAsync(PortalApp.Build(args[2..]), backupPath, Console.Out, Console.Error);
            case ["create-admin" or "create-auditor", var userName, ..]:
                {
                    var app = PortalApp.Build(args[2..]);
                    await app.InitializeAsync(seedDemo: false);
                    // 三权分立 (ADR 0022): audit administrators are set up here, never by the system administrator in the app.
                    var role = args[0] == "create-admin" ? Roles.SystemAdmin : Roles.AuditAdmin;
                    return await CreateAdminCommand.RunAsync(app.Services, userName, Console.In, Console.Out, role);
                }

            default:
                return null;
        }
    }
}
