using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Features.Audit;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Accounts;

/// <summary>The sign-in page and the token endpoint on a fresh app (rules.md §1 第十五条).</summary>
public sealed class SignInTests(SignInTests.Fixture fixture) : IClassFixture<SignInTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    private Fixture App => fixture;

    [Fact]
    public async Task SignIn_WithDemoPassword_RedirectsHomeAndOpensBackOffice()
    {
        using var client = App.CreatePortalClient();
        var response = await client.PostSignInAsync("officer", PortalFactory.DemoPassword);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/office", response.Headers.Location?.AbsolutePath);
        var home = await client.GetAsync("/office");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("张信息", await home.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SignIn_WithWrongPassword_StaysOnPageWithMessage()
    {
        using var client = App.CreatePortalClient();
        var response = await client.PostSignInAsync("officer2", "Wrong#Password1");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("用户名或密码错误。", PortalClientExtensions.ErrorText(await response.Content.ReadAsStringAsync()));
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/office")).StatusCode);
    }

    [Fact]
    public async Task SignIn_FiveWrongPasswords_LocksTheAccountEvenForTheRightOne()
    {
        using var client = App.CreatePortalClient("10.1.1.5");
        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostSignInAsync("depthead3", "Wrong#Password1")).StatusCode);
        }

        var fifth = await client.PostSignInAsync("depthead3", "Wrong#Password1");
        Assert.Equal((HttpStatusCode)429, fifth.StatusCode);

        var right = await client.PostSignInAsync("depthead3", PortalFactory.DemoPassword);
        Assert.Equal((HttpStatusCode)429, right.StatusCode);
        Assert.Contains("已锁定", PortalClientExtensions.ErrorText(await right.Content.ReadAsStringAsync()));

        await using var db = App.CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.UserName == "depthead3");
        Assert.True(user.LockoutEnd > DateTimeOffset.UtcNow.AddMinutes(14));
    }

    [Fact]
    public async Task SignIn_FromOutsideOfficeNetworks_IsRefusedWithReasonAndAudited()
    {
        using var client = App.CreatePortalClient("203.0.113.7");
        var response = await client.PostSignInAsync("publisher", PortalFactory.DemoPassword);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("办公网络", PortalClientExtensions.ErrorText(await response.Content.ReadAsStringAsync()));

        await using var db = App.CreateDbContext();
        var record = await db.AuditRecords.Where(a => a.IpAddress == "203.0.113.7").OrderByDescending(a => a.Id).FirstAsync();
        Assert.Equal(AuditActions.SignIn, record.Action);
        Assert.Equal(AuditOutcome.Refused, record.Outcome);
        Assert.Equal("publisher", record.ActorName);
        Assert.Contains("network", record.Detail);
    }

    [Fact]
    public async Task SecondSignIn_EndsTheFirstSession()
    {
        using var first = App.CreatePortalClient();
        await first.SignInAsync("leader");
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/office")).StatusCode);

        using var second = App.CreatePortalClient("192.168.3.4");
        await second.SignInAsync("leader");

        var afterward = await first.GetAsync("/office");
        Assert.Equal(HttpStatusCode.Redirect, afterward.StatusCode);
        Assert.StartsWith("http://localhost/account/login", afterward.Headers.Location!.ToString());
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/office")).StatusCode);
    }

    [Fact]
    public async Task SignOut_EndsTheSessionAndIsAudited()
    {
        using var client = App.CreatePortalClient();
        await client.SignInAsync("principal");
        var home = await client.GetStringAsync("/office");
        var token = PortalClientExtensions.HiddenFields(home)["__RequestVerificationToken"];

        var response = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/office")).StatusCode);

        await using var db = App.CreateDbContext();
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == AuditActions.SignOut && a.ActorName == "principal"));
    }

    [Fact]
    public async Task Token_WithRightPassword_ReturnsTokenThatOpensMe()
    {
        using var client = App.CreatePortalClient();
        var response = await client.RequestTokenAsync("officer");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(json.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddHours(1));

        client.WithBearer(json.GetProperty("token").GetString()!);
        var me = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal("officer", me.GetProperty("userName").GetString());
        Assert.Equal("综合股", me.GetProperty("department").GetString());
        Assert.Equal(["Officer"], me.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task Token_WrongPassword_Is401ProblemInRequestLanguage()
    {
        using var client = App.CreatePortalClient();
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en-US");
        var response = await client.RequestTokenAsync("director", "nope-nope-1A");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invalid_credentials", problem.GetProperty("code").GetString());
        Assert.Equal("The user name or password is wrong.", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Token_FromRefusedNetwork_Is403AndAudited()
    {
        using var client = App.CreatePortalClient("8.8.4.4");
        var response = await client.RequestTokenAsync("assessor");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("network_refused", problem.GetProperty("code").GetString());
        await using var db = App.CreateDbContext();
        Assert.True(await db.AuditRecords.AnyAsync(a => a.IpAddress == "8.8.4.4" && a.Outcome == AuditOutcome.Refused && a.ActorName == "assessor"));
    }

    [Fact]
    public async Task Token_RepeatedFailures_Get429AndLockTheAccount()
    {
        using var client = App.CreatePortalClient("10.9.9.9");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 6; i++)
        {
            statuses.Add((await client.RequestTokenAsync("secrecy", "Bad#Guess" + i)).StatusCode);
        }

        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, (HttpStatusCode)429, (HttpStatusCode)429], statuses);
        var right = await client.RequestTokenAsync("secrecy");
        Assert.Equal((HttpStatusCode)429, right.StatusCode);
        Assert.True(right.Headers.RetryAfter is not null);
    }

    [Fact]
    public async Task Token_ExpiredPassword_Is403PasswordExpired()
    {
        await using (var db = App.CreateDbContext())
        {
            var user = await db.Users.SingleAsync(u => u.UserName == "officer2");
            user.PasswordChangedAt = DateTimeOffset.UtcNow.AddDays(-91);
            await db.SaveChangesAsync();
        }

        using var client = App.CreatePortalClient();
        var response = await client.RequestTokenAsync("officer2");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("password_expired", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // The page sends the user to change it instead of signing in.
        var page = await client.PostSignInAsync("officer2", PortalFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Equal("/account/password-expired", page.Headers.Location!.AbsolutePath);
    }

    [Fact]
    public async Task Api_WithoutToken_Is401Problem()
    {
        using var client = App.CreatePortalClient();
        var response = await client.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Health_Says503Starting_WhileStartUpWorkRuns_ThenHealthy()
    {
        // The work after the server listens (the archive check here) is tracked from the start.
        var work = App.Services.GetRequiredService<InfoPortal.Infrastructure.StartupWork>();
        Assert.Contains("archive-check", work.Tracked);
        await work.WhenAll.WaitAsync(TimeSpan.FromSeconds(60));
        using var client = App.CreatePortalClient();
        var response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());

        // Work still running: 503 "starting" with Retry-After while the server serves meanwhile
        // (the sign-in page answers), then "Healthy" again.
        var held = new TaskCompletionSource();
        work.Track("test-hold", held.Task);
        response = await client.GetAsync("/health");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("starting", await response.Content.ReadAsStringAsync());
        Assert.Equal("1", response.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode);
        held.SetResult();
        Assert.Equal("Healthy", await client.GetStringAsync("/health"));
    }

    [Fact]
    public async Task EveryResponse_CarriesSecurityHeaders()
    {
        using var client = App.CreatePortalClient();
        var response = await client.GetAsync("/account/login");
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("strict-origin-when-cross-origin", response.Headers.GetValues("Referrer-Policy").Single());
    }
}
