using System.Net;
using System.Text;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Infrastructure.Web;

/// <summary>
/// A body the API cannot bind is a 400 problem that names the field at fault, in the caller's
/// language, and writes nothing; a query value that does not parse is not told about JSON. The fixture sets the framework's default outside Development
/// (binding failures answered without an exception), so the test shows the portal answers the same
/// in Production as in Development.
/// </summary>
public sealed class BadBodyTests(BadBodyTests.Fixture app) : IClassFixture<BadBodyTests.Fixture>
{
    public sealed class Fixture : PortalFactory
    {
        public Fixture() => WithServices(s => s.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = false));
    }

    private static string Draft(string kind, string columnIds) =>
        $$"""{"title":"县局开展春季药品安全检查","columnIds":{{columnIds}},"kind":"{{kind}}","bodyHtml":"<p>检查零售药店32家。</p>","source":"综合股","importance":"Normal","eventDate":"2026-12-01","declarationAccepted":true}""";

    private async Task<(JsonElement Problem, int Drafts)> PostAsync(string body, string language)
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        await using var db = app.CreateDbContext();
        var before = await db.Requests.CountAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/requests") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await officer.Http.SendAsync(request);
        var problem = await ApiClient.EnsureAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("bad_request", problem.GetProperty("code").GetString());
        Assert.DoesNotContain("Exception", problem.GetRawText(), StringComparison.Ordinal);
        return (problem, await db.Requests.CountAsync() - before);
    }

    [Theory]
    [InlineData("zh-CN", "请求体中字段 kind 的值无法识别")]
    [InlineData("en-US", "The request body's field kind has a value that cannot be read")]
    public async Task An_unknown_enum_value_names_its_field(string language, string said)
    {
        var (problem, written) = await PostAsync(Draft("WorkNews", "[1]"), language);
        Assert.Equal("kind", problem.GetProperty("field").GetString());
        Assert.Contains(said, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, written);
    }

    [Fact]
    public async Task A_wrong_type_inside_a_list_names_the_element()
    {
        var (problem, written) = await PostAsync(Draft("Text", """[1,"综合"]"""), "zh-CN");
        Assert.Equal("columnIds[1]", problem.GetProperty("field").GetString());
        Assert.Contains("columnIds[1]", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, written);
    }

    [Fact]
    public async Task A_body_that_is_not_json_at_all_says_so_without_a_field()
    {
        var (problem, written) = await PostAsync("这不是 JSON", "zh-CN");
        Assert.False(problem.TryGetProperty("field", out _));
        Assert.Equal("请求格式有误：请求体缺失或不是有效的 JSON。", problem.GetProperty("detail").GetString());
        Assert.Equal(0, written);
    }

    [Theory]
    [InlineData("zh-CN", "请求的内容有误，请检查后重试。")]
    [InlineData("en-US", "The request is not valid; check it and try again.")]
    public async Task A_query_value_that_does_not_parse_is_not_told_about_json(string language, string said)
    {
        using var director = await ApiClient.SignInAsync(app, "director");
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/statistics/monthly?year=二〇二六&month=1");
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await director.Http.SendAsync(request);
        var problem = await ApiClient.EnsureAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("bad_request", problem.GetProperty("code").GetString());
        Assert.Equal(said, problem.GetProperty("detail").GetString());
        Assert.False(problem.TryGetProperty("field", out _));
    }
}
