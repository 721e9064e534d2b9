using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Accounts;

/// <summary>
/// Whether an account exists cannot be read off the sign-in answers (issue 10 item 14): a known
/// name and an unknown one give the same statuses, codes and texts through the lockout, and a
/// disabled account says so only to someone who knows its password.
/// </summary>
public sealed class AccountEnumerationTests
{
    private static async Task<List<string>> GuessAsync(HttpClient client, string userName, int times)
    {
        var seen = new List<string>();
        for (var i = 0; i < times; i++)
        {
            var response = await client.RequestTokenAsync(userName, "Wrong#Guess" + i);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            seen.Add($"{(int)response.StatusCode} {problem.GetProperty("code").GetString()} {problem.GetProperty("detail").GetString()} retry-after:{response.Headers.RetryAfter is not null}");
        }

        return seen;
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task LockedOutKnownUser_AndUnknownUser_AnswerAlike(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var client = app.CreatePortalClient("10.1.2.3");

        var known = await GuessAsync(client, "depthead3", 7);
        var unknown = await GuessAsync(client, "nobody-by-this-name", 7);

        Assert.Equal(known, unknown);
        Assert.StartsWith("401 invalid_credentials", known[0], StringComparison.Ordinal);
        Assert.StartsWith("429 locked_out", known[^1], StringComparison.Ordinal);

        // The lockout holds even for the right password, and the page tells it alike for both names.
        Assert.Equal((HttpStatusCode)429, (await client.RequestTokenAsync("depthead3")).StatusCode);
        using var browser = app.CreatePortalClient("10.1.2.4");
        var knownPage = await browser.PostSignInAsync("depthead3", "Wrong#Guess");
        var unknownPage = await browser.PostSignInAsync("nobody-by-this-name", "Wrong#Guess");
        Assert.Equal(knownPage.StatusCode, unknownPage.StatusCode);
        Assert.Equal(
            PortalClientExtensions.ErrorText(await knownPage.Content.ReadAsStringAsync()),
            PortalClientExtensions.ErrorText(await unknownPage.Content.ReadAsStringAsync()));

        // The users page still shows the real account as locked.
        await using var db = app.CreateDbContext();
        Assert.True((await db.Users.SingleAsync(u => u.UserName == "depthead3")).LockoutEnd > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task DisabledAccount_WithWrongPassword_AnswersLikeAnUnknownName()
    {
        await using var app = new PortalFactory();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>();
            var user = (await users.FindByNameAsync("officer2"))!;
            user.IsDisabled = true;
            await users.UpdateAsync(user);
        }

        using var client = app.CreatePortalClient();
        Assert.Equal(await GuessAsync(client, "nobody-at-all", 1), await GuessAsync(client, "officer2", 1));

        // With its password the owner learns why.
        var right = await client.RequestTokenAsync("officer2");
        Assert.Equal(HttpStatusCode.Forbidden, right.StatusCode);
        Assert.Equal("account_disabled", (await right.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }
}
