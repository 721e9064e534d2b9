using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Features.Audit;
using InfoPortal.Tests.Features.Interaction;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Accounts;

/// <summary>
/// Who the client is (issue 10 items 1 and 9): only a configured trusted proxy may set the client
/// address through X-Forwarded-For, and an API token obeys the office networks on every call.
/// The test server has no socket, so PortalFactory's start-up filter sets the connection's address
/// from a test header *before* the app's pipeline — the forwarded-headers middleware sees exactly
/// what it would see behind a real socket.
/// </summary>
public sealed class ClientAddressTests
{
    private const string Outside = "203.0.113.7";
    private const string Forged = "10.9.9.5";

    /// <summary>The office network is 10.9.9.0/24 only (every default entry replaced).</summary>
    private static PortalFactory App(params string[] trustedProxies)
    {
        var app = new PortalFactory();
        for (var i = 0; i < 6; i++)
        {
            app.With($"Security:OfficeNetworks:{i}", "10.9.9.0/24");
        }

        for (var i = 0; i < trustedProxies.Length; i++)
        {
            app.With($"Security:TrustedProxies:{i}", trustedProxies[i]);
        }

        return app;
    }

    private static HttpClient Client(PortalFactory app, string socketAddress, string? forwardedFor)
    {
        var client = app.CreatePortalClient(socketAddress);
        if (forwardedFor is not null)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        }

        return client;
    }

    [Fact]
    public async Task ForgedForwardedFor_FromAnyone_IsIgnored_AndTheAuditHasTheRealAddress()
    {
        await using var app = App();
        using var forged = Client(app, Outside, Forged);

        var token = await forged.RequestTokenAsync("publisher");
        Assert.Equal(HttpStatusCode.Forbidden, token.StatusCode);
        Assert.Equal("network_refused", (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        var page = await forged.PostSignInAsync("publisher", PortalFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Forbidden, page.StatusCode);

        await using var db = app.CreateDbContext();
        var refusals = await db.AuditRecords.Where(a => a.Action == AuditActions.SignIn && a.ActorName == "publisher").ToListAsync();
        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, r => Assert.Equal((Outside, AuditOutcome.Refused), (r.IpAddress, r.Outcome)));
        Assert.False(await db.AuditRecords.AnyAsync(a => a.IpAddress == Forged));
    }

    [Fact]
    public async Task ForgedForwardedFor_DoesNotEscapeThePublicMessageLimit()
    {
        await using var app = App();
        for (var i = 0; i < 5; i++)
        {
            using var client = Client(app, Outside, $"10.9.9.{10 + i}");
            await InteractionApi.LeaveOkAsync(client, InteractionApi.Message(subject: $"第{i}条建议", contact: null));
        }

        using var sixth = Client(app, Outside, "10.9.9.99");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await InteractionApi.LeaveAsync(sixth, InteractionApi.Message(contact: null))).StatusCode);
    }

    [Fact]
    public async Task TrustedProxy_SetsTheClientAddress_ButOnlyForHopsItVouchesFor()
    {
        await using var app = App("203.0.113.0/24");

        // Through the proxy from inside the office: allowed, and the audit names the office address.
        using var viaProxy = Client(app, Outside, Forged);
        var token = await viaProxy.GetTokenAsync("publisher");
        await using (var db = app.CreateDbContext())
        {
            var signIn = await db.AuditRecords.Where(a => a.Action == AuditActions.SignIn && a.Outcome == AuditOutcome.Success).OrderByDescending(a => a.Id).FirstAsync();
            Assert.Equal(Forged, signIn.IpAddress);
        }

        // A client that prepends its own header: the proxy vouches only for the hop it saw (the last).
        using var chained = Client(app, Outside, $"{Forged}, 198.51.100.1");
        Assert.Equal(HttpStatusCode.Forbidden, (await chained.RequestTokenAsync("assessor")).StatusCode);

        // The same header straight from a machine that is not a trusted proxy: ignored.
        using var direct = Client(app, "198.51.100.9", Forged);
        Assert.Equal(HttpStatusCode.Forbidden, (await direct.RequestTokenAsync("assessor")).StatusCode);

        // The token issued inside works inside, and is refused when presented from outside.
        viaProxy.WithBearer(token);
        Assert.Equal(HttpStatusCode.OK, (await viaProxy.GetAsync("/api/v1/me")).StatusCode);
        using var outsider = Client(app, Outside, "198.51.100.1").WithBearer(token);
        var refused = await outsider.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal("network_refused", (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
    }

    [Fact]
    public async Task Token_UsedFromOutsideTheOfficeNetworks_Is403_EvenThoughIssuedInside()
    {
        await using var app = new PortalFactory();
        using var inside = app.CreatePortalClient("192.168.1.20");
        var token = await inside.GetTokenAsync("officer");
        inside.WithBearer(token);
        Assert.Equal(HttpStatusCode.OK, (await inside.GetAsync("/api/v1/me")).StatusCode);

        using var outside = app.CreatePortalClient("8.8.8.8").WithBearer(token);
        var response = await outside.GetAsync("/api/v1/me");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("network_refused", problem.GetProperty("code").GetString());
        Assert.Contains("办公网络", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task NewSignIn_EndsTheAccountsOlderTokens_AsItEndsOlderCookieSessions()
    {
        await using var app = new PortalFactory();
        using var first = app.CreatePortalClient();
        first.WithBearer(await first.GetTokenAsync("director"));
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/api/v1/me")).StatusCode);

        // A second token ends the first.
        using var second = app.CreatePortalClient();
        second.WithBearer(await second.GetTokenAsync("director"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await first.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await second.GetAsync("/api/v1/me")).StatusCode);

        // A sign-in on the page ends the second; another account's token is untouched.
        using var other = app.CreatePortalClient();
        other.WithBearer(await other.GetTokenAsync("leader"));
        using var browser = app.CreatePortalClient();
        await browser.SignInAsync("director");
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.GetAsync("/api/v1/me")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/me")).StatusCode);

        // And a new token ends the page's session.
        using var third = app.CreatePortalClient();
        third.WithBearer(await third.GetTokenAsync("director"));
        var page = await browser.GetAsync("/office");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("http://localhost/account/login", page.Headers.Location!.ToString(), StringComparison.Ordinal);

        await using var db = app.CreateDbContext();
        Assert.True(await db.AuditRecords.CountAsync(a => a.Action == AuditActions.SessionEnded && a.Target!.StartsWith("token:")) >= 2);
    }
}
