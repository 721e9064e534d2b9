using System.Net;
using InfoPortal.Features.Monitoring;
using InfoPortal.Features.Screening.Engine;
using InfoPortal.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Monitoring;

/// <summary>
/// Helpers for the monitoring tests: publish through the real workflow, change the lists, run the job.
/// The lists change by swapping a new engine into <see cref="ScreeningEngineHolder"/> (the built-in
/// terms plus one more); once the word-list service exists this becomes a list edit.
/// </summary>
internal static class MonitoringTestSupport
{
    /// <summary>A fresh app whose built-in daily timer is off, so only the test runs the job.</summary>
    public static Task<PortalFactory> AppAsync(string provider) =>
        PortalFactory.CreateAsync(provider, f => f.With("Jobs:RunServer", "false"));

    /// <summary>Drafts, submits, approves twice and publishes an item as the demo users; returns its id.</summary>
    public static async Task<int> PublishAsync(PortalFactory app, string title, string body, string officerName = "officer", string headName = "depthead")
    {
        using var officer = await ApiClient.SignInAsync(app, officerName);
        using var depthead = await ApiClient.SignInAsync(app, headName);
        using var director = await ApiClient.SignInAsync(app, "director");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var id = await officer.DraftAsync(title, body: body);
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);
        return id;
    }

    /// <summary>The lists change: the built-in terms plus <paramref name="term"/> (blocking, category "Sensitive").</summary>
    public static void AddBlockingTerm(PortalFactory app, string term) =>
        app.Services.GetRequiredService<ScreeningEngineHolder>().Swap(
            ScreeningEngine.Compile(BuiltInTerms.All.Append(new ScreeningTerm(term, "Sensitive", ScreeningLevel.Block))));

    public static async Task<MonitoringResult> RunAsync(PortalFactory app, DateOnly day)
    {
        using var scope = app.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<DailyMonitoringJob>().RunAsync(day, CancellationToken.None);
    }
}
