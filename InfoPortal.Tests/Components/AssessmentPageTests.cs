using Bunit;
using InfoPortal.Features.Statistics;
using InfoPortal.Features.Statistics.Pages;
using InfoPortal.Tests.Features.Statistics;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace InfoPortal.Tests.Components;

/// <summary>bUnit test of /office/assessment: compute, the ranking table, and an adjustment refused without a reason.</summary>
public sealed class AssessmentPageTests
{
    [Fact]
    public async Task Assessor_ComputesYear_AdjustmentWithoutReasonIsRefused_WithReasonShowsInTable()
    {
        await using var app = new PortalFactory();
        var s = await StatisticsScenario.SeedAsync(app);
        await using var ctx = await ComponentTestContext.CreateAsync(app, "assessor");
        var cut = ctx.Render<AssessmentPage>();
        var year = cut.FindComponent<MudSelect<int>>();
        await cut.InvokeAsync(() => year.Instance.ValueChanged.InvokeAsync(2026));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-test=no-assessment]")));

        await cut.InvokeAsync(() => cut.Find("[data-test=compute-assessment]").Click());
        cut.WaitForAssertion(() => Assert.Equal(4, cut.FindAll("[data-test=assessment-table] tbody tr").Count));
        Assert.Contains("综合股", cut.Find("[data-test=commendations]").TextContent, StringComparison.Ordinal);

        var department = cut.FindComponents<MudSelect<int?>>().Single();
        await cut.InvokeAsync(() => department.Instance.ValueChanged.InvokeAsync(s.Departments["药品监管股"]));
        var points = cut.FindComponent<MudNumericField<decimal>>();
        await cut.InvokeAsync(() => points.Instance.ValueChanged.InvokeAsync(3m));
        await cut.InvokeAsync(() => cut.Find("[data-test=adjust]").Click());
        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.AssessmentAdjustments.AnyAsync());
        }

        var reason = cut.FindComponents<MudTextField<string>>().Single();
        await cut.InvokeAsync(() => reason.Instance.ValueChanged.InvokeAsync("信息被省局网站转载"));
        await cut.InvokeAsync(() => cut.Find("[data-test=adjust]").Click());
        cut.WaitForAssertion(() => Assert.Contains("信息被省局网站转载", cut.Find("[data-test=assessment-table]").TextContent, StringComparison.Ordinal));
        await using var check = app.CreateDbContext();
        Assert.Equal(3m, (await check.AssessmentAdjustments.SingleAsync()).Points);
    }
}
