using Bunit;
using InfoPortal.Features.Accounts.Pages;
using InfoPortal.Tests.TestSupport;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Http;

namespace InfoPortal.Tests.Components;

/// <summary>bUnit tests of the sign-in page and the users page, with the app's real services.</summary>
public sealed class AccountPagesTests(AccountPagesTests.Fixture app) : IClassFixture<AccountPagesTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    [Fact]
    public async Task Login_HasLabelledFields_AndSaysWhatIsMissing()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app);
        var http = new DefaultHttpContext { RequestServices = ctx.Services };
        var cut = ctx.Render<Login>(p => p.AddCascadingValue(http));

        foreach (var id in new[] { "userName", "password" })
        {
            var input = cut.Find($"#{id}");
            Assert.Equal("true", input.GetAttribute("aria-required"));
            Assert.NotNull(cut.Find($"label[for={id}]"));
        }

        Assert.Equal("用户名", cut.Find("label[for=userName]").TextContent);
        Assert.Empty(cut.FindAll(".field-error"));

        await cut.Find("form").SubmitAsync();
        var errors = cut.FindAll(".field-error").Select(e => e.TextContent).ToList();
        Assert.Equal(["请输入用户名。", "请输入密码。"], errors);
        Assert.Equal("true", cut.Find("#userName").GetAttribute("aria-invalid"));
        Assert.Equal("userName-error", cut.Find("#userName").GetAttribute("aria-describedby"));
    }

    [Fact]
    public async Task Login_InEnglish_SpeaksEnglish()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, culture: "en-US");
        var cut = ctx.Render<Login>(p => p.AddCascadingValue(new DefaultHttpContext { RequestServices = ctx.Services }));
        Assert.Equal("Sign in", cut.Find("h1").TextContent);
        Assert.Equal("User name", cut.Find("label[for=userName]").TextContent);
    }

    [Fact]
    public async Task Users_ListsTheDemoAgency_WithCreateButton()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "sysadmin");
        var cut = ctx.Render<Users>();

        cut.WaitForAssertion(() => Assert.Contains("depthead2", cut.Markup));
        Assert.Contains("赵药监", cut.Markup);
        Assert.Contains("药品监管股", cut.Markup);
        Assert.Equal("新建用户", cut.Find("[data-test=create-user]").TextContent.Trim());
        Assert.Equal(15, cut.FindAll("tbody tr").Count);
    }

    [Fact]
    public async Task Users_SearchNarrowsTheList()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "sysadmin");
        var cut = ctx.Render<Users>();
        cut.WaitForAssertion(() => Assert.Equal(15, cut.FindAll("tbody tr").Count));

        await cut.InvokeAsync(() => cut.FindComponent<MudBlazor.MudTextField<string>>().Instance.ValueChanged.InvokeAsync("depthead"));
        cut.WaitForAssertion(() => Assert.Equal(3, cut.FindAll("tbody tr").Count));
        Assert.DoesNotContain("officer2", cut.Markup);
    }

    [Fact]
    public async Task Users_ForAnOfficer_ServiceRefuses()
    {
        // The page is closed by [Authorize]; the service checks again for anyone who reaches it.
        await using var ctx = await ComponentTestContext.CreateAsync(app, "officer");
        var ex = Assert.ThrowsAny<Exception>(() => ctx.Render<Users>());
        Assert.IsType<InfoPortal.Infrastructure.ForbiddenException>(ex.InnerException ?? ex);
    }

    [Fact]
    public async Task Login_SubmittedEmptyInEnglish_SaysWhatIsMissingInEnglish()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, culture: "en-US");
        var cut = ctx.Render<Login>(p => p.AddCascadingValue(new DefaultHttpContext { RequestServices = ctx.Services }));

        Assert.Equal("Password", cut.Find("label[for=password]").TextContent);
        await cut.Find("form").SubmitAsync();

        Assert.Equal(["Enter your user name.", "Enter your password."], cut.FindAll(".field-error").Select(e => e.TextContent));
        Assert.Equal("password-error", cut.Find("#password").GetAttribute("aria-describedby"));
        Assert.Empty(cut.FindAll("[data-test=login-error]"));
    }

    [Fact]
    public async Task Users_InChinese_HeadingsRolesStatusAndRowActionsAreChinese()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "sysadmin", "zh-CN");
        var cut = ctx.Render<Users>();
        cut.WaitForAssertion(() => Assert.Contains("sysadmin", cut.Markup));

        Assert.Equal("用户管理", cut.Find("h1").TextContent.Trim());
        var headers = cut.FindAll("thead th").Select(th => th.TextContent.Trim()).ToList();
        Assert.Equal(["用户名", "姓名", "部门", "角色", "状态"], headers.Take(5));
        Assert.Equal("新建用户", cut.Find("[data-test=create-user]").TextContent.Trim());

        var rows = cut.FindAll("tbody tr");
        var admin = rows.Single(r => r.QuerySelector("td")!.TextContent.Trim() == "sysadmin");
        Assert.Contains("系统管理员", admin.TextContent);
        Assert.Contains("正常", admin.TextContent);
        var officer = rows.Single(r => r.QuerySelector("td")!.TextContent.Trim() == "officer");
        Assert.Contains("张信息", officer.TextContent);
        Assert.Contains("综合股", officer.TextContent);
        Assert.Contains("信息员", officer.TextContent);

        // Every row has its own actions menu, named for screen readers.
        Assert.Equal(rows.Count, cut.FindAll("tbody tr button[aria-label=操作]").Count);
        Assert.DoesNotContain("New user", cut.Markup);
    }

    [Fact]
    public async Task Users_InEnglish_SpeaksEnglish()
    {
        await using var ctx = await ComponentTestContext.CreateAsync(app, "sysadmin", "en-US");
        var cut = ctx.Render<Users>();
        cut.WaitForAssertion(() => Assert.Contains("sysadmin", cut.Markup));

        Assert.Equal("Users", cut.Find("h1").TextContent.Trim());
        Assert.Equal("New user", cut.Find("[data-test=create-user]").TextContent.Trim());
        var admin = cut.FindAll("tbody tr").Single(r => r.QuerySelector("td")!.TextContent.Trim() == "sysadmin");
        Assert.Contains("System administrator", admin.TextContent);
        Assert.Contains("Active", admin.TextContent);
        Assert.DoesNotContain("新建用户", cut.Markup);
    }
}
