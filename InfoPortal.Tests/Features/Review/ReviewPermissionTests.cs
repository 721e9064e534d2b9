using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Review;

/// <summary>Who may see and decide what (service-level authorisation through the API).</summary>
public sealed class ReviewPermissionTests(ReviewPermissionTests.Fixture fixture) : IClassFixture<ReviewPermissionTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    private PortalFactory App => fixture;

    [Fact]
    public async Task Officers_SeeOnlyTheirDepartmentsRequests()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        using var officer2 = await ApiClient.SignInAsync(App, "officer2");
        var mine = await officer.DraftAsync("综合股的草稿");
        var theirs = await officer2.DraftAsync("药品监管股的草稿");
        await ApiClient.EnsureAsync(await officer2.SubmitAsync(theirs), HttpStatusCode.OK);

        await ApiClient.EnsureAsync(await officer.GetResponseAsync(theirs), HttpStatusCode.NotFound);
        await ApiClient.EnsureAsync(await officer2.GetResponseAsync(mine), HttpStatusCode.NotFound);
        var list = await officer.Http.GetFromJsonAsync<JsonElement>("/api/v1/requests?limit=200");
        Assert.Contains(list.EnumerateArray(), r => r.GetProperty("id").GetInt32() == mine);
        Assert.DoesNotContain(list.EnumerateArray(), r => r.GetProperty("id").GetInt32() == theirs);
        Assert.All(list.EnumerateArray(), r => Assert.Equal("综合股", r.GetProperty("department").GetString()));

        // Another department's officer cannot edit, submit or withdraw it either (404: not even seen).
        await ApiClient.EnsureAsync(await officer2.SubmitAsync(mine), HttpStatusCode.NotFound);
        await ApiClient.EnsureAsync(await officer2.WithdrawAsync(mine), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task DeptHead2_CannotDecideOnZongheguItems_NorSeeThemInTheQueue()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        using var depthead2 = await ApiClient.SignInAsync(App, "depthead2");
        var id = await officer.DraftAsync("综合股待审稿件");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);

        Assert.DoesNotContain((await depthead2.QueueAsync()).EnumerateArray(), q => q.GetProperty("id").GetInt32() == id);
        var response = await depthead2.ApproveAsync(id);
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"got {(int)response.StatusCode}");
        Assert.Empty((await officer.GetAsync(id)).GetProperty("decisions").EnumerateArray());
    }

    [Fact]
    public async Task Publisher_CannotApprove_SystemAdmin_CannotApproveOrPublish()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        using var depthead = await ApiClient.SignInAsync(App, "depthead");
        using var director = await ApiClient.SignInAsync(App, "director");
        using var publisher = await ApiClient.SignInAsync(App, "publisher");
        using var sysadmin = await ApiClient.SignInAsync(App, "sysadmin");
        var id = await officer.DraftAsync("权限测试稿件");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);

        await ApiClient.EnsureAsync(await publisher.ApproveAsync(id), HttpStatusCode.Forbidden);
        var asAdmin = await sysadmin.ApproveAsync(id);
        Assert.True(asAdmin.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(App, id, director); // the internet needs a leader (ADR 0045)

        var publishAsAdmin = await sysadmin.PublishAsync(id);
        Assert.True(publishAsAdmin.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await officer.PublishAsync(id), HttpStatusCode.Forbidden);
        Assert.Equal("Approved", (await officer.GetAsync(id)).GetProperty("status").GetString());
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);
    }

    [Fact]
    public async Task NobodyDecidesTwiceOnOneStep()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        using var depthead = await ApiClient.SignInAsync(App, "depthead");
        var id = await officer.DraftAsync("重复审核测试", "Important");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        // The step has moved on: a second approval by the same head is refused, as a conflict (409:
        // the step was decided first — the server cannot tell a retry from a lost race, issue 10 item 14).
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.Conflict);
        Assert.Equal(1, (await officer.GetAsync(id)).GetProperty("decisions").GetArrayLength());
    }

    [Fact]
    public async Task OnlyOfficers_CreateRequests_AndDraftsStayInTheDepartment()
    {
        using var director = await ApiClient.SignInAsync(App, "director");
        using var officer = await ApiClient.SignInAsync(App, "officer");
        var refused = await director.CreateAsync(new { title = "主任不能起草", declarationAccepted = true });
        await ApiClient.EnsureAsync(refused, HttpStatusCode.Forbidden);

        var draft = await officer.DraftAsync("仍是草稿");
        await ApiClient.EnsureAsync(await director.GetResponseAsync(draft), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task BadInput_GetsFieldErrors_AndWritesNothing()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        await using var db = App.CreateDbContext();
        var before = await db.Requests.CountAsync();
        var response = await officer.CreateAsync(new { title = "", columnIds = new[] { 99999 }, declarationAccepted = true });
        var problem = await ApiClient.EnsureAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", problem.GetProperty("code").GetString());
        var errors = problem.GetProperty("errors");
        Assert.Equal("请填写标题。", errors.GetProperty("title")[0].GetString());
        Assert.True(errors.TryGetProperty("columnIds", out _));
        Assert.Equal(before, await db.Requests.CountAsync());
    }
}
