using Bunit;
using InfoPortal.Features.Screening;
using InfoPortal.Features.Screening.Pages;
using InfoPortal.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Components;

/// <summary>The highlighting component: hits marked in place, each listed with level and category in words.</summary>
public sealed class ScreeningHitsTests(ScreeningHitsTests.Fixture app) : IClassFixture<ScreeningHitsTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    [Fact]
    public async Task Hits_AreMarkedInPlace_AndListedInWords()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "officer");
        const string text = "本文件为内部资料，咨询电话13812345678。";
        var report = app.Services.GetRequiredService<ScreeningService>().Check(text);
        var cut = ctx.Render<ScreeningHits>(p => p
            .Add(c => c.Report, report)
            .Add(c => c.Texts, [new ScreenedText("text", text, null, null, null)]));

        var marks = cut.FindAll("mark");
        var block = Assert.Single(marks, m => m.ClassList.Contains("screening-block"));
        Assert.StartsWith("内部资料", block.TextContent);
        Assert.Contains("阻断", block.TextContent); // the level in words, not colour alone
        var warn = Assert.Single(marks, m => m.ClassList.Contains("screening-warn"));
        Assert.StartsWith("13812345678", warn.TextContent);
        // The text around the hits stays as typed.
        Assert.Contains("本文件为", cut.Find("figure.screening-text p").TextContent);

        var items = cut.FindAll("[data-test=screening-hit]");
        Assert.Contains(items, li => li.TextContent.Contains("阻断", StringComparison.Ordinal) && li.TextContent.Contains("涉密标识", StringComparison.Ordinal) && li.TextContent.Contains("“内部资料”", StringComparison.Ordinal));
        Assert.Contains(items, li => li.TextContent.Contains("警告", StringComparison.Ordinal) && li.TextContent.Contains("个人信息", StringComparison.Ordinal));
        // Bare 内部 is no longer a marking (issue 11: 内网-仅内部通知 is an ordinary notice): one blocking hit.
        Assert.Contains($"阻断 1 处，警告 1 处（词表版本 {report.ListVersion}）", cut.Find("[data-test=screening-summary]").TextContent);
        Assert.NotNull(cut.Find("[role=alert]"));
    }

    [Fact]
    public async Task NoHits_SaysSo()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "officer");
        var report = app.Services.GetRequiredService<ScreeningService>().Check("春季药品安全检查顺利完成。");
        var cut = ctx.Render<ScreeningHits>(p => p.Add(c => c.Report, report));
        Assert.Empty(cut.FindAll("mark"));
        Assert.Contains("未发现", cut.Find("[data-test=screening-none]").TextContent);
    }
}
