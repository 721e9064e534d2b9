using System.Net;
using InfoPortal.Features.PublicSite;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.PublicSite;

/// <summary>Issue 11 item 8: the 互动交流 column page leads to 我要留言 (the message form), even with no articles in it.</summary>
public sealed class InteractionColumnTests
{
    [Fact]
    public async Task InteractionColumnPage_LinksToTheMessageForm_AndOtherColumnsDoNot()
    {
        await using var app = new PortalFactory();
        int interaction, news;
        await using (var db = app.CreateDbContext())
        {
            interaction = await db.Columns.Where(c => c.Name == PublicSiteService.InteractionColumnName).Select(c => c.Id).SingleAsync();
            news = await db.Columns.Where(c => c.Name == "工作动态").Select(c => c.Id).SingleAsync();
        }

        using var client = app.CreatePortalClient();
        var page = await client.GetStringAsync($"/columns/{interaction}");
        Assert.Contains("href=\"/interaction/new\"", page, StringComparison.Ordinal);
        Assert.Contains("我要留言", page, StringComparison.Ordinal);

        // The link leads to the form, which an anonymous visitor may open.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/interaction/new")).StatusCode);
        Assert.DoesNotContain("data-test=\"leave-message\"", await client.GetStringAsync($"/columns/{news}"), StringComparison.Ordinal);
    }
}
