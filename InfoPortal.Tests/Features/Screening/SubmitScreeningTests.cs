using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>Screening plugged into submit: secrecy markings refuse with 422 and the hits; personal data warns.</summary>
public sealed class SubmitScreeningTests(SubmitScreeningTests.Fixture app) : IClassFixture<SubmitScreeningTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    [Theory]
    [InlineData("<p>本文件为内部资料，请勿外传。</p>", "内部资料")]
    [InlineData("<p>机·密★ 事项</p>", "机·密★")]
    [InlineData("<p>機密文件</p>", "機密")]
    [InlineData("<p>内 部 资 料</p>", "内 部 资 料")]
    public async Task Submit_WithSecrecyMarking_Is422_WithHits_AndNothingChanges(string body, string marked)
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var id = await officer.DraftAsync("保密审查测试", body: body);
        var response = await officer.SubmitAsync(id);
        var problem = await ApiClient.EnsureAsync(response, (HttpStatusCode)422);
        Assert.Equal("blocked_by_screening", problem.GetProperty("code").GetString());
        var hits = problem.GetProperty("hits").EnumerateArray().ToList();
        Assert.Contains(hits, h => h.GetProperty("level").GetString() == "Block" && h.GetProperty("text").GetString() == marked && h.GetProperty("field").GetString() == "body");
        Assert.Contains(marked, problem.GetProperty("detail").GetString());

        var detail = await officer.GetAsync(id);
        Assert.Equal("Draft", detail.GetProperty("status").GetString());
        await using var db = app.CreateDbContext();
        Assert.True(await db.AuditRecords.AnyAsync(a => a.Action == "SubmitRefused" && a.Target == $"request:{id}"));
    }

    [Fact]
    public async Task Submit_WithPersonalData_Passes_WithWarnings()
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var id = await officer.DraftAsync("联系方式", body: "<p>咨询电话 13812345678，身份证 11010519491231002X。</p>");
        var result = await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        Assert.Equal("InReview", result.GetProperty("status").GetString());
        var hits = result.GetProperty("screening").GetProperty("hits").EnumerateArray().ToList();
        Assert.Contains(hits, h => h.GetProperty("term").GetString() == "MainlandId" && h.GetProperty("level").GetString() == "Warn");
        Assert.Contains(hits, h => h.GetProperty("text").GetString() == "13812345678");
    }

    [Fact]
    public async Task CheckEndpoint_ReturnsHitsWithPositions()
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var response = await officer.Http.PostAsJsonAsync("/api/v1/screening/check", new { text = "这是绝密★文件" });
        var json = await ApiClient.EnsureAsync(response, HttpStatusCode.OK);
        var hit = json.GetProperty("hits").EnumerateArray().First(h => h.GetProperty("level").GetString() == "Block");
        Assert.Equal(2, hit.GetProperty("start").GetInt32());
        Assert.Equal("SecrecyMark", hit.GetProperty("category").GetString());
    }
}
