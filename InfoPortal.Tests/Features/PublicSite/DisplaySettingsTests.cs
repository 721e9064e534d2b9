using System.Net;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Features.PublicSite;

public sealed class DisplaySettingsTests
{
    [Fact]
    public async Task LargeTextAndHighContrast_AreRemembered_WithoutScript()
    {
        await using var app = new PortalFactory();
        using var client = app.CreatePortalClient();
        var home = await client.GetStringAsync("/");
        Assert.Contains("class=\"site \"", home);
        Assert.Contains("大字号", home);

        var set = await client.GetAsync("/display/set?size=large&redirectUri=%2F");
        Assert.Equal(HttpStatusCode.Redirect, set.StatusCode);
        await client.GetAsync("/display/set?contrast=high&redirectUri=%2F");
        var after = await client.GetStringAsync("/");
        Assert.Contains("class=\"site large-text high-contrast\"", after);
        Assert.Contains("标准字号", after);
        Assert.Contains("标准配色", after);
        Assert.DoesNotContain("<script", after);

        var evil = await client.GetAsync("/display/set?size=large&redirectUri=https%3A%2F%2Fevil.example");
        Assert.Equal("/", evil.Headers.Location!.OriginalString);
    }
}
