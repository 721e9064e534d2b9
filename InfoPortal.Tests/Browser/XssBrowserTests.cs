using System.Net;
using System.Net.Http.Headers;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Browser;

/// <summary>Script payloads in title, body and captions never run on the public article page.</summary>
[Collection(BrowserTestGroup.Name)]
public sealed class XssBrowserTests(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    private const string TitlePayload = "<script>window.__xss='title'</script>标题<img src=x onerror=\"window.__xss='title-img'\">";

    private const string BodyPayload =
        "<p>正文</p><script>window.__xss='script'</script>" +
        "<img src=\"/files/1/x.png\" onerror=\"window.__xss='onerror'\">" +
        "<a href=\"javascript:window.__xss='href'\" id=\"js-link\">点击</a>" +
        "<svg onload=\"window.__xss='svg'\"><circle r=\"5\"/></svg>" +
        "<iframe src=\"javascript:window.parent.__xss='iframe'\"></iframe>" +
        "<p style=\"background:url(javascript:window.__xss='css')\">样式</p>" +
        "<form action=\"https://evil.example/\"><input name=\"q\"></form>";

    private const string CaptionPayload = "\"><img src=x onerror=\"window.__xss='caption'\"><script>window.__xss='caption-script'</script>";

    [ChromiumFact]
    public async Task Payloads_InTitleBodyAndCaption_NeverRun_OnThePublicPage()
    {
        var app = browser.App;
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var id = await officer.DraftAsync(TitlePayload, body: BodyPayload);
        using (var form = new MultipartFormDataContent())
        {
            var file = new ByteArrayContent(TestFiles.Png());
            file.Headers.ContentType = new MediaTypeHeaderValue("image/png");
            form.Add(file, "file", "p.png");
            form.Add(new StringContent(CaptionPayload), "caption");
            await ApiClient.EnsureAsync(await officer.Http.PostAsync($"/api/v1/requests/{id}/attachments", form), HttpStatusCode.OK);
        }

        // The body was sanitised before it was stored.
        var stored = (await officer.GetAsync(id)).GetProperty("bodyHtml").GetString()!;
        Assert.DoesNotContain("<script", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onerror", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<svg", stored, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", stored, StringComparison.OrdinalIgnoreCase);

        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);

        var page = await browser.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        var response = await page.GotoAsync($"/articles/{id}");
        Assert.Equal(200, response!.Status);
        await page.WaitForLoadStateAsync(Microsoft.Playwright.LoadState.NetworkIdle);

        // The title shows as text, exactly as typed.
        Assert.Equal(TitlePayload, await page.Locator("h1").InnerTextAsync());
        Assert.Equal(CaptionPayload, await page.Locator("figure figcaption").InnerTextAsync());
        Assert.Equal(0, await page.Locator("article script, article svg, article iframe, article form").CountAsync());
        var link = page.Locator("#js-link");
        if (await link.CountAsync() > 0)
        {
            Assert.Null(await link.GetAttributeAsync("href"));
            await link.ClickAsync();
        }

        Assert.Null(await page.EvaluateAsync<string?>("() => window.__xss ?? null"));
        Assert.Equal(0, dialogs);
        await BrowserFixture.ScreenshotAsync(page, "xss-public-article");

        // The home page lists the title as text too.
        await page.GotoAsync("/");
        Assert.Null(await page.EvaluateAsync<string?>("() => window.__xss ?? null"));
    }
}
