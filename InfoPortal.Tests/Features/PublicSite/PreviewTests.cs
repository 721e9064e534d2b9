using System.Net;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Features.PublicSite;

/// <summary>
/// Issue 11 item 6: reviewers and the publisher preview the item as the public site will show it
/// (the same article markup), marked 预览，未发布, never cached, and only if they may see the request.
/// </summary>
public sealed class PreviewTests
{
    [Fact]
    public async Task Reviewer_PreviewsTheCurrentContent_AsThePublicSiteWillShowIt_AndOthersCannot()
    {
        await using var app = new PortalFactory();
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var id = await officer.DraftAsync("县局召开春季药品安全检查部署会", body: "<p>会议要求各股室于四月底前完成自查。</p>");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);

        using var depthead = app.CreatePortalClient();
        await depthead.SignInAsync("depthead");
        var page = await depthead.GetAsync($"/office/requests/{id}/preview");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("预览，未发布", html, StringComparison.Ordinal);
        Assert.Contains("class=\"article\"", html, StringComparison.Ordinal); // the public article markup
        Assert.Contains("县局召开春季药品安全检查部署会", html, StringComparison.Ordinal);
        Assert.Contains("会议要求各股室于四月底前完成自查。", html, StringComparison.Ordinal);
        Assert.Contains("no-store", page.Headers.CacheControl?.ToString() ?? "", StringComparison.Ordinal);

        // Not published: the public article does not exist.
        using var anonymous = app.CreatePortalClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/articles/{id}")).StatusCode);
        // Signed out: sign in first; another department's head: not found.
        Assert.Equal(HttpStatusCode.Redirect, (await anonymous.GetAsync($"/office/requests/{id}/preview")).StatusCode);
        using var other = app.CreatePortalClient();
        await other.SignInAsync("depthead2");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/office/requests/{id}/preview")).StatusCode);

        // The publisher, who sees every submitted request, may preview it too.
        using var publisher = app.CreatePortalClient();
        await publisher.SignInAsync("publisher");
        Assert.Contains("预览，未发布", await publisher.GetStringAsync($"/office/requests/{id}/preview"), StringComparison.Ordinal);
    }
}
