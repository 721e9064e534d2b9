using System.Net;
using System.Text.RegularExpressions;
using InfoPortal.Features.Interaction;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Interaction;

/// <summary>The public form's protections: form token, honeypot, size limit, rate limits, antiforgery.</summary>
public sealed partial class InteractionAbuseTests
{
    /// <summary>Loads the form (antiforgery cookie + hidden fields) and posts it with the given fields changed.</summary>
    private static async Task<(HttpResponseMessage Response, string Html)> PostFormAsync(HttpClient client, Action<Dictionary<string, string>> change)
    {
        var form = await client.GetStringAsync("/interaction/new");
        var fields = HiddenInput().Matches(form).ToDictionary(m => m.Groups[1].Value, m => WebUtility.HtmlDecode(m.Groups[2].Value));
        Assert.Contains("__RequestVerificationToken", fields.Keys);
        Assert.Contains("Input.FormToken", fields.Keys);
        fields["Input.Kind"] = "Suggestion";
        fields["Input.Subject"] = "建议延长药品咨询窗口时间";
        fields["Input.Text"] = "希望周六上午也能办理药品经营许可咨询。";
        fields["Input.Contact"] = "13800001111";
        fields["Input.Consent"] = "true";
        fields["Input.Website"] = "";
        change(fields);
        var response = await client.PostAsync("/interaction/new", new FormUrlEncodedContent(fields));
        return (response, await response.Content.ReadAsStringAsync());
    }

    private static string BackdatedToken(PortalFactory app, TimeSpan age)
    {
        using var scope = app.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<SubmissionGuard>().IssueFormToken(DateTimeOffset.UtcNow - age);
    }

    private static async Task<int> CountAsync(PortalFactory app)
    {
        await using var db = app.CreateDbContext();
        return await db.InteractionMessages.CountAsync();
    }

    [Fact]
    public async Task Form_WithValidToken_ShowsTicketAndCode_AndFormTokenGuardsRefuseTheRest()
    {
        await using var app = new PortalFactory();
        using var client = app.CreatePortalClient();

        var (ok, okHtml) = await PostFormAsync(client, f => f["Input.FormToken"] = BackdatedToken(app, TimeSpan.FromSeconds(30)));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Matches(@"data-test=""ticket"">\d{4}-\d{6}<", okHtml);
        Assert.Matches(@"data-test=""code"">[A-Z2-9]{10}<", okHtml);
        Assert.Equal(1, await CountAsync(app));

        var (missing, missingHtml) = await PostFormAsync(client, f => f.Remove("Input.FormToken"));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("表单已失效", missingHtml, StringComparison.Ordinal);

        var (stale, staleHtml) = await PostFormAsync(client, f => f["Input.FormToken"] = BackdatedToken(app, TimeSpan.FromHours(13)));
        Assert.Equal(HttpStatusCode.BadRequest, stale.StatusCode);
        Assert.Contains("表单已过期", staleHtml, StringComparison.Ordinal);

        var (forged, forgedHtml) = await PostFormAsync(client, f => f["Input.FormToken"] = "CfDJ8forged-token");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Contains("表单已过期", forgedHtml, StringComparison.Ordinal);

        // The token the page just served: sent back at once, faster than a person fills a form.
        var (fast, fastHtml) = await PostFormAsync(client, _ => { });
        Assert.Equal(HttpStatusCode.BadRequest, fast.StatusCode);
        Assert.Contains("提交过快", fastHtml, StringComparison.Ordinal);

        Assert.Equal(1, await CountAsync(app));
    }

    [Fact]
    public async Task Form_WithHoneypotFilled_IsRefused()
    {
        await using var app = new PortalFactory();
        using var client = app.CreatePortalClient();
        var form = await client.GetStringAsync("/interaction/new");
        // Visually hidden, hidden from assistive technology, out of the tab order.
        Assert.Matches(@"<div class=""visually-hidden"" aria-hidden=""true"">\s*<label for=""website"">[^<]+</label>\s*<input id=""website"" name=""Input.Website""[^>]* tabindex=""-1""", form);

        var (response, html) = await PostFormAsync(client, f =>
        {
            f["Input.FormToken"] = BackdatedToken(app, TimeSpan.FromMinutes(1));
            f["Input.Website"] = "http://spam.example";
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("提交未被接受", html, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(app));
    }

    [Fact]
    public async Task Form_Oversized_IsRefusedWithClearError_AndConsentIsRequired()
    {
        await using var app = new PortalFactory();
        using var client = app.CreatePortalClient();
        var (big, bigHtml) = await PostFormAsync(client, f =>
        {
            f["Input.FormToken"] = BackdatedToken(app, TimeSpan.FromMinutes(1));
            f["Input.Text"] = new string('药', 5001);
        });
        Assert.Equal(HttpStatusCode.BadRequest, big.StatusCode);
        Assert.Contains("留言内容过长", bigHtml, StringComparison.Ordinal);
        Assert.Contains("aria-invalid=\"true\" aria-describedby=\"text-hint text-error\"", bigHtml, StringComparison.Ordinal);

        var (noConsent, noConsentHtml) = await PostFormAsync(client, f =>
        {
            f["Input.FormToken"] = BackdatedToken(app, TimeSpan.FromMinutes(1));
            f.Remove("Input.Consent");
        });
        Assert.Equal(HttpStatusCode.BadRequest, noConsent.StatusCode);
        Assert.Contains("请阅读并同意个人信息保护说明", noConsentHtml, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(app));
    }

    [Fact]
    public async Task Form_WithoutAntiforgeryToken_IsRefused()
    {
        await using var app = new PortalFactory();
        using var client = app.CreatePortalClient();
        var (response, _) = await PostFormAsync(client, f =>
        {
            f["Input.FormToken"] = BackdatedToken(app, TimeSpan.FromMinutes(1));
            f.Remove("__RequestVerificationToken");
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await CountAsync(app));
    }

    [Fact]
    public async Task Api_Oversized_IsRefusedWithClearError()
    {
        await using var app = new PortalFactory();
        using var client = app.CreatePortalClient();
        var refused = await ApiClient.EnsureAsync(await InteractionApi.LeaveAsync(client, InteractionApi.Message(text: new string('药', 5001))), HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", refused.GetProperty("code").GetString());
        Assert.Equal("留言内容过长，请精简后再提交。", refused.GetProperty("detail").GetString());
        Assert.Equal("留言内容过长，请精简后再提交。", refused.GetProperty("errors").GetProperty("text")[0].GetString());

        var badContact = await ApiClient.EnsureAsync(await InteractionApi.LeaveAsync(client, InteractionApi.Message(contact: "call me")), HttpStatusCode.BadRequest);
        Assert.True(badContact.GetProperty("errors").TryGetProperty("contact", out _));
        var noConsent = await ApiClient.EnsureAsync(await InteractionApi.LeaveAsync(client, new { kind = "Inquiry", subject = "咨询", text = "请问如何办理？", consent = false }), HttpStatusCode.BadRequest);
        Assert.True(noConsent.GetProperty("errors").TryGetProperty("consent", out _));
        Assert.Equal(0, await CountAsync(app));
    }

    [Fact]
    public async Task Api_RateLimitPerIp_Answers429_OtherAddressesGoOn()
    {
        await using var app = new PortalFactory();
        using var first = app.CreatePortalClient("203.0.113.5");
        using var second = app.CreatePortalClient("203.0.113.6");
        for (var i = 0; i < 5; i++)
        {
            await InteractionApi.LeaveOkAsync(first, InteractionApi.Message(subject: $"第{i}条建议", contact: null));
        }

        var limited = await ApiClient.EnsureAsync(await InteractionApi.LeaveAsync(first, InteractionApi.Message(contact: null)), HttpStatusCode.TooManyRequests);
        Assert.Equal("too_many_attempts", limited.GetProperty("code").GetString());
        Assert.Equal("提交次数过多，请稍后再试。", limited.GetProperty("detail").GetString());
        await InteractionApi.LeaveOkAsync(second, InteractionApi.Message(contact: null));
        Assert.Equal(6, await CountAsync(app));
    }

    [Fact]
    public async Task Api_RateLimitPerContact_HoldsAcrossAddresses()
    {
        await using var app = new PortalFactory();
        for (var i = 0; i < 3; i++)
        {
            using var client = app.CreatePortalClient($"198.51.100.{i + 1}");
            await InteractionApi.LeaveOkAsync(client, InteractionApi.Message(contact: "13700000000"));
        }

        using var another = app.CreatePortalClient("198.51.100.99");
        await ApiClient.EnsureAsync(await InteractionApi.LeaveAsync(another, InteractionApi.Message(contact: "13700000000")), HttpStatusCode.TooManyRequests);
        await InteractionApi.LeaveOkAsync(another, InteractionApi.Message(contact: "13700000001"));
    }

    [Fact]
    public async Task Form_OverTheLimit_Answers429WithMessage_AndLookupsAreLimitedToo()
    {
        await using var app = new PortalFactory().With("Interaction:MessagesPerIpPerHour", "1").With("Interaction:LookupsPerIpPerHour", "3");
        using var client = app.CreatePortalClient("192.0.2.7");
        var (ticket, code) = await InteractionApi.LeaveOkAsync(client, InteractionApi.Message(contact: null));

        var (response, html) = await PostFormAsync(client, f => f["Input.FormToken"] = BackdatedToken(app, TimeSpan.FromMinutes(1)));
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("提交次数过多", html, StringComparison.Ordinal);

        for (var i = 0; i < 3; i++)
        {
            await ApiClient.EnsureAsync(await InteractionApi.LookupAsync(client, ticket, code), HttpStatusCode.OK);
        }

        var limited = await ApiClient.EnsureAsync(await InteractionApi.LookupAsync(client, ticket, code), HttpStatusCode.TooManyRequests);
        Assert.Equal("查询次数过多，请一小时后再试。", limited.GetProperty("detail").GetString());
    }

    [GeneratedRegex(@"<input type=""hidden"" name=""([^""]+)"" value=""([^""]*)""")]
    private static partial Regex HiddenInput();
}
