using Bunit;
using InfoPortal.Features.Requests.Pages;
using InfoPortal.Tests.TestSupport;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using MudBlazor;

namespace InfoPortal.Tests.Components;

/// <summary>bUnit tests of the 申请表 form: validation in the user's language, the caption rule, the 10-day warning.</summary>
public sealed class RequestFormTests(RequestFormTests.Fixture app) : IClassFixture<RequestFormTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    [Fact]
    public async Task Save_WithoutTitle_SaysSoInChinese_AndCreatesNothing()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "officer");
        await using var db = app.CreateDbContext();
        var before = await db.Requests.CountAsync();
        var cut = ctx.Render<RequestForm>();

        await cut.Find("[data-test=save]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("请填写标题。", cut.Find("[data-test=form-errors]").TextContent));
        Assert.Equal(before, await db.Requests.CountAsync());
    }

    [Fact]
    public async Task Save_InEnglish_SaysSoInEnglish()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "officer", "en-US");
        var cut = ctx.Render<RequestForm>();
        await cut.Find("[data-test=save]").ClickAsync(new());
        cut.WaitForAssertion(() => Assert.Contains("Enter a title.", cut.Find("[data-test=form-errors]").TextContent));
    }

    [Fact]
    public async Task EventDate_MoreThanTenDaysBack_Warns_TodayDoesNot()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "officer");
        var cut = ctx.Render<RequestForm>();
        Assert.Empty(cut.FindAll("[data-test=late-warning]"));

        // "Today" is the agency's day (Jobs:TimeZone, Asia/Shanghai), not the test machine's.
        var today = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")).Date;
        var picker = cut.FindComponent<MudDatePicker>();
        await cut.InvokeAsync(() => picker.Instance.DateChanged.InvokeAsync(today.AddDays(-15)));
        cut.WaitForAssertion(() => Assert.Contains("超过 10 天", cut.Find("[data-test=late-warning]").TextContent));

        await cut.InvokeAsync(() => picker.Instance.DateChanged.InvokeAsync(today.AddDays(-10)));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-test=late-warning]")));
    }

    [Fact]
    public async Task PictureWithoutCaption_IsRefused_WithCaption_IsAttached()
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var id = await officer.DraftAsync("有图片的草稿");
        await using var ctx = await ComponentTestContext.CreateAsync(app, "officer");
        var cut = ctx.Render<RequestForm>(p => p.Add(f => f.Id, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-test=caption]")));

        var input = cut.FindComponent<InputFile>();
        input.UploadFiles(InputFileContent.CreateFromBinary(TestFiles.Png(), "scene.png", contentType: "image/png"));
        cut.WaitForAssertion(() => Assert.Contains("图片必须加带文字注释", cut.Markup));
        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.Attachments.AnyAsync(a => a.RequestId == id));
        }

        var caption = cut.FindComponents<MudTextField<string>>().Single(f => f.Instance.Label == "图片注释");
        await cut.InvokeAsync(() => caption.Instance.ValueChanged.InvokeAsync("检查现场"));
        input.UploadFiles(InputFileContent.CreateFromBinary(TestFiles.Png(), "scene.png", contentType: "image/png"));
        cut.WaitForAssertion(() => Assert.Contains("检查现场", cut.Find(".attachments table").TextContent), TimeSpan.FromSeconds(5));
        await using var check = app.CreateDbContext();
        Assert.Equal("检查现场", (await check.Attachments.SingleAsync(a => a.RequestId == id)).Caption);
    }

    [Fact]
    public async Task Submit_Incomplete_ListsWhatIsMissing()
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var created = await officer.CreateAsync(new { title = "缺少来源和承诺", declarationAccepted = false });
        var id = (await ApiClient.EnsureAsync(created, System.Net.HttpStatusCode.Created)).GetProperty("id").GetInt32();
        await using var ctx = await ComponentTestContext.CreateAsync(app, "officer");
        var cut = ctx.Render<RequestForm>(p => p.Add(f => f.Id, id));
        cut.WaitForAssertion(() => Assert.NotNull(cut.Find("[data-test=submit]")));

        await cut.Find("[data-test=submit]").ClickAsync(new());
        cut.WaitForAssertion(() =>
        {
            var text = cut.Find("[data-test=form-errors]").TextContent;
            Assert.Contains("请至少选择一个发布栏目。", text);
            Assert.Contains("请填写信息来源（摘自）。", text);
            Assert.Contains("提交前须确认保密承诺。", text);
        });
    }
}
