using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace InfoPortal.Tests.TestSupport;

/// <summary>Signing in through the real sign-in page (antiforgery and all) and through the token endpoint.</summary>
public static partial class PortalClientExtensions
{
    /// <summary>Posts the sign-in form as a browser would; returns the response (302 on success).</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(this HttpClient client, string userName, string password)
    {
        var page = await client.GetStringAsync("/account/login");
        var fields = HiddenFields(page);
        fields["Input.UserName"] = userName;
        fields["Input.Password"] = password;
        return await client.PostAsync("/account/login", new FormUrlEncodedContent(fields));
    }

    public static async Task SignInAsync(this HttpClient client, string userName, string password = PortalFactory.DemoPassword)
    {
        var response = await client.PostSignInAsync(userName, password);
        if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.OriginalString.StartsWith("/account", StringComparison.Ordinal) == true)
        {
            var body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"Sign-in of {userName} failed: {(int)response.StatusCode} {response.Headers.Location} {ErrorText(body)}");
        }
    }

    /// <summary>The text of the sign-in page's error box, if any.</summary>
    public static string? ErrorText(string html)
    {
        var match = ErrorBox().Match(html);
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value).Trim() : null;
    }

    public static Dictionary<string, string> HiddenFields(string html)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Match m in HiddenInput().Matches(html))
        {
            fields[WebUtility.HtmlDecode(m.Groups["name"].Value)] = WebUtility.HtmlDecode(m.Groups["value"].Value);
        }

        return fields;
    }

    public static async Task<HttpResponseMessage> RequestTokenAsync(this HttpClient client, string userName, string password = PortalFactory.DemoPassword) =>
        await client.PostAsJsonAsync("/api/v1/auth/token", new { userName, password });

    public static async Task<string> GetTokenAsync(this HttpClient client, string userName, string password = PortalFactory.DemoPassword)
    {
        var response = await client.RequestTokenAsync(userName, password);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("token").GetString()!;
    }

    public static HttpClient WithBearer(this HttpClient client, string token)
    {
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();

    [GeneratedRegex("<div class=\"form-error\"[^>]*>(.*?)</div>", RegexOptions.Singleline)]
    private static partial Regex ErrorBox();
}
