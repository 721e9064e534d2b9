using InfoPortal.Components;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Features.Archive;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Home;
using InfoPortal.Features.Interaction;
using InfoPortal.Features.Monitoring;
using InfoPortal.Features.Notifications;
using InfoPortal.Features.Outbox;
using InfoPortal.Features.PublicSite;
using InfoPortal.Features.Publishing;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Review;
using InfoPortal.Features.Screening;
using InfoPortal.Features.Search;
using InfoPortal.Features.Statistics;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Cluster;
using InfoPortal.Features.Jobs;
using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Infrastructure.Localization;
using InfoPortal.Infrastructure.Web;

if (args is ["verify-export", var exportFile])
{
    return await InfoPortal.Features.Archive.ExportVerifier.RunAsync(exportFile, Console.Out);
}

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddRepositorySettings(builder.Environment);

builder.Services.AddPortalDatabase();
builder.Services.AddCluster(builder.Configuration);
builder.Services.AddPortalLocalization();
builder.Services.AddPortalWeb(builder.Configuration, builder.Environment);
builder.Services.AddPortalApi();
builder.Services.AddAudit();
builder.Services.AddAccounts(builder.Configuration);
builder.Services.AddHome();
builder.Services.AddOutbox(builder.Configuration);
builder.Services.AddNotifications(builder.Configuration);
builder.Services.AddColumns();
builder.Services.AddRequests(builder.Configuration);
builder.Services.AddReview(builder.Configuration);
builder.Services.AddPublishing(builder.Configuration);
builder.Services.AddPublicSite();
builder.Services.AddSearch();
builder.Services.AddScreening();
builder.Services.AddInteraction(builder.Configuration);
builder.Services.AddStatistics(builder.Configuration);
builder.Services.AddMonitoring(builder.Configuration);
builder.Services.AddArchive();
builder.Services.AddPortalJobs(builder.Configuration);

var app = builder.Build();

if (args is ["restore", var backupPath])
{
    // Backup = database + file store (BackupJob); restore both into a new place, migrate, verify.
    try
    {
        await BackupRestore.RestoreFilesAsync(backupPath, app.Services.GetRequiredService<InfoPortal.Data.DatabaseSettings>(), Console.Out);
    }
    catch (Exception ex) when (ex is InvalidOperationException or InvalidDataException or IOException)
    {
        await Console.Error.WriteLineAsync($"FAIL: {ex.Message}");
        return 1;
    }

    await app.InitializeAsync(seedDemo: false);
    return await BackupRestore.VerifyAsync(app.Services, Console.Out) ? 0 : 1;
}

if (args is ["create-admin", var adminName, ..])
{
    await app.InitializeAsync(seedDemo: false);
    return await CreateAdminCommand.RunAsync(app.Services, adminName, Console.In, Console.Out);
}

if (args is ["create-auditor", var auditorName, ..])
{
    // 三权分立 (ADR 0022): audit administrators are set up here, never by the system administrator in the app.
    await app.InitializeAsync(seedDemo: false);
    return await CreateAdminCommand.RunAsync(app.Services, auditorName, Console.In, Console.Out, Roles.AuditAdmin);
}

if (args is ["bench", "review-queue" or "search" or "statistics" or "monitoring" or "pdf" or "decisions", ..])
{
    await app.InitializeAsync(seedDemo: false);
    return await InfoPortal.Infrastructure.Bench.BenchCommand.RunAsync(app.Services, args, Console.Out);
}

await app.InitializeAsync(seedDemo: true);

app.UsePortalPipeline();
app.MapStaticAssets().AllowAnonymous();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(PublicSiteCache.EndpointConvention);
app.MapPortalWeb();
app.MapAccounts();
app.MapAudit();
app.MapRequests();
app.MapColumns();
app.MapSearch();
app.MapScreening();
app.MapStatistics();
app.MapMonitoring();
app.MapPublicSite();
app.MapInteraction();
app.MapArchive();
app.MapPortalJobs();

if (args is ["bench", "http" or "screening-api", ..])
{
    InfoPortal.Infrastructure.Bench.HttpBench.MapReference(app);
    return args[1] == "http"
        ? await InfoPortal.Infrastructure.Bench.HttpBench.RunAsync(app, args, Console.Out)
        : await InfoPortal.Infrastructure.Bench.ScreeningApiBench.RunAsync(app, args, Console.Out);
}

await app.RunAsync();
return 0;

/// <summary>Entry point; public so the tests' WebApplicationFactory can start the app.</summary>
public partial class Program;
