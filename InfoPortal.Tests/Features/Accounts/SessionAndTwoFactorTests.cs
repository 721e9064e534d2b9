using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using InfoPortal.Tests.TestSupport;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace InfoPortal.Tests.Features.Accounts;

public sealed class SessionAndTwoFactorTests
{
    [Fact]
    public async Task Session_IdleLongerThanTimeout_IsEnded_ActivityKeepsItAlive()
    {
        await using var app = new PortalFactory();
        using var scope = app.Services.CreateScope();
        var sp = scope.ServiceProvider;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var sessions = new SessionService(sp.GetRequiredService<IDbContextFactory<PortalDbContext>>(), Options.Create(new SecurityOptions()), sp.GetRequiredService<AuditLog>(), clock);
        var user = await sp.GetRequiredService<UserManager<AppUser>>().FindByNameAsync("officer");

        var session = await sessions.StartAsync(user!, "127.0.0.1", "test");
        clock.Advance(TimeSpan.FromMinutes(20));
        Assert.True((await sessions.ValidateAsync(session.Id, user!.Id, touch: true)).IsValid);
        clock.Advance(TimeSpan.FromMinutes(29));
        Assert.True((await sessions.ValidateAsync(session.Id, user.Id, touch: false)).IsValid);
        clock.Advance(TimeSpan.FromMinutes(2));

        var check = await sessions.ValidateAsync(session.Id, user.Id, touch: true);
        Assert.False(check.IsValid);
        Assert.Equal(SessionEndReason.IdleTimeout, check.EndReason);
        Assert.False((await sessions.ValidateAsync(session.Id, user.Id, touch: true)).IsValid);
    }

    [Fact]
    public async Task SignIn_SurvivesRestart_BecauseKeysLiveInTheDatabase()
    {
        var factory = new PortalFactory();
        var dbFile = Path.Combine(factory.DataFolder, "portal.db");
        string cookie;
        await using (factory)
        {
            using var client = factory.CreatePortalClient();
            await client.SignInAsync("assessor");
            // The cookie container of the test client holds the sign-in cookie.
            var response = await client.GetAsync("/office");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            cookie = await SignInCookieAsync(factory, "assessor");
            Directory.CreateDirectory(factory.DataFolder + "-copy");
            File.Copy(dbFile, Path.Combine(factory.DataFolder + "-copy", "portal.db"));
            foreach (var extra in new[] { "-wal", "-shm" })
            {
                if (File.Exists(dbFile + extra)) File.Copy(dbFile + extra, Path.Combine(factory.DataFolder + "-copy", "portal.db" + extra));
            }
        }

        // A second process on the same database (a restart, or another instance) accepts it.
        await using var restarted = new PortalFactory().With("ConnectionStrings:Portal", $"Data Source={Path.Combine(factory.DataFolder + "-copy", "portal.db")}");
        using var again = restarted.CreatePortalClient();
        again.DefaultRequestHeaders.Add("Cookie", cookie);
        var home = await again.GetAsync("/office");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains("陈考核", await home.Content.ReadAsStringAsync());
    }

    private static async Task<string> SignInCookieAsync(PortalFactory factory, string user)
    {
        using var client = factory.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var page = await client.GetAsync("/account/login");
        var html = await page.Content.ReadAsStringAsync();
        var antiforgeryCookie = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var fields = PortalClientExtensions.HiddenFields(html);
        fields["Input.UserName"] = user;
        fields["Input.Password"] = PortalFactory.DemoPassword;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login") { Content = new FormUrlEncodedContent(fields) };
        request.Headers.Add("Cookie", antiforgeryCookie);
        var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        return response.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Single(c => c.StartsWith("InfoPortal.Auth=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoFactor_WhenEnabled_PasswordAloneIsNotEnough_CodeCompletesSignIn()
    {
        await using var app = new PortalFactory();
        string key;
        using (var scope = app.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var user = (await users.FindByNameAsync("director"))!;
            await users.ResetAuthenticatorKeyAsync(user);
            key = (await users.GetAuthenticatorKeyAsync(user))!;
            await users.SetTwoFactorEnabledAsync(user, true);
        }

        using var client = app.CreatePortalClient();
        var first = await client.PostSignInAsync("director", PortalFactory.DemoPassword);
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        Assert.Equal("/account/login/2fa", new Uri(new Uri("http://localhost"), first.Headers.Location!).AbsolutePath);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/office")).StatusCode);

        var wrong = await PostCodeAsync(client, "000000" == Totp(key) ? "111111" : "000000");
        Assert.Contains("验证码不正确", PortalClientExtensions.ErrorText(await wrong.Content.ReadAsStringAsync()));

        var right = await PostCodeAsync(client, Totp(key));
        Assert.Equal(HttpStatusCode.Redirect, right.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/office")).StatusCode);

        // The token endpoint wants the code as well.
        var noCode = await client.RequestTokenAsync("director");
        Assert.Equal("two_factor_required", (await noCode.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var withCode = await client.PostAsJsonAsync("/api/v1/auth/token", new { userName = "director", password = PortalFactory.DemoPassword, otp = Totp(key) });
        Assert.Equal(HttpStatusCode.OK, withCode.StatusCode);
    }

    private static async Task<HttpResponseMessage> PostCodeAsync(HttpClient client, string code)
    {
        var page = await client.GetStringAsync("/account/login/2fa");
        var fields = PortalClientExtensions.HiddenFields(page);
        fields["Input.Code"] = code;
        return await client.PostAsync("/account/login/2fa", new FormUrlEncodedContent(fields));
    }

    /// <summary>RFC 6238 TOTP (SHA-1, 30 s, 6 digits) from a base32 key, as an authenticator app computes it.</summary>
    internal static string Totp(string base32Key)
    {
        var key = Base32Decode(base32Key);
        var counter = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;
        var bytes = BitConverter.GetBytes(counter);
        if (BitConverter.IsLittleEndian) Array.Reverse(bytes);
#pragma warning disable CA5350 // RFC 6238 authenticators use HMAC-SHA1; this mirrors one.
        var hash = HMACSHA1.HashData(key, bytes);
#pragma warning restore CA5350
        var offset = hash[^1] & 0x0f;
        var binary = ((hash[offset] & 0x7f) << 24) | (hash[offset + 1] << 16) | (hash[offset + 2] << 8) | hash[offset + 3];
        return (binary % 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static byte[] Base32Decode(string input)
    {
        const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var clean = input.TrimEnd('=').ToUpperInvariant();
        var output = new List<byte>();
        int buffer = 0, bits = 0;
        foreach (var c in clean)
        {
            buffer = (buffer << 5) | alphabet.IndexOf(c, StringComparison.Ordinal);
            bits += 5;
            if (bits >= 8)
            {
                output.Add((byte)(buffer >> (bits - 8)));
                bits -= 8;
            }
        }

        return [.. output];
    }

    [Fact]
    public async Task LanguageSwitch_SetsCookie_PagesFollowIt()
    {
        await using var app = new PortalFactory();
        using var client = app.CreatePortalClient();
        Assert.Contains("<title>登录 - 信息发布审核平台</title>", await client.GetStringAsync("/account/login"));

        var response = await client.GetAsync("/culture/set?culture=en-US&redirectUri=%2Faccount%2Flogin");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", response.Headers.Location!.OriginalString);
        var english = await client.GetStringAsync("/account/login");
        Assert.Contains("<html lang=\"en-US\">", english);
        Assert.Contains("Sign in", english);

        var open = await client.GetAsync("/culture/set?culture=en-US&redirectUri=https%3A%2F%2Fevil.example%2F");
        Assert.Equal("/", open.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Production_SeedsNothing_CreateAdminMakesTheFirstAdministrator()
    {
        await using var app = new PortalFactory().With("Demo:Seed", "false");
        await using (var db = app.CreateDbContext())
        {
            Assert.False(await db.Users.AnyAsync());
        }

        var output = new StringWriter();
        var exit = await CreateAdminCommand.RunAsync(app.Services, "chief", new StringReader("Head#Office2026\n"), output);
        Assert.Equal(0, exit);

        using var client = app.CreatePortalClient();
        await client.SignInAsync("chief", "Head#Office2026");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/users")).StatusCode);

        var weak = await CreateAdminCommand.RunAsync(app.Services, "second", new StringReader("short\n"), new StringWriter());
        Assert.Equal(1, weak);
        await using var check = app.CreateDbContext();
        Assert.Equal(1, await check.Users.CountAsync());
        Assert.True(await check.AuditRecords.AnyAsync(a => a.Action == AuditActions.UserCreated && a.Target == "user:chief"));
    }
}
