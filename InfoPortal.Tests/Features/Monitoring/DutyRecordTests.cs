using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Infrastructure;
using InfoPortal.Tests.Features.Requests;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace InfoPortal.Tests.Features.Monitoring;

/// <summary>
/// 每日监管记录 (制度 第十四条, issue 14 item 6, ADR 0049): the web administrator signs each working
/// day; a signed record never changes, a correction is a new version; a reported problem reaches
/// the leader in the same transaction; missing working days are listed and counted.
/// </summary>
public sealed class DutyRecordTests
{
    /// <summary>The last Monday–Friday before today (the demo configures no holidays), and the last Saturday.</summary>
    public static (DateOnly WorkingDay, DateOnly Saturday, DateOnly Today) Days(PortalFactory app)
    {
        var today = app.Services.GetRequiredService<AgencyClock>().Today;
        var working = today.AddDays(-1);
        while (working.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            working = working.AddDays(-1);
        }

        var saturday = today.AddDays(-1);
        while (saturday.DayOfWeek != DayOfWeek.Saturday)
        {
            saturday = saturday.AddDays(-1);
        }

        return (working, saturday, today);
    }

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static Task<HttpResponseMessage> SignAsync(ApiClient client, DateOnly day, string? @checked = "已检查当日信息。", string? problems = null, bool reportToLeader = false, string? correctionReason = null) =>
        client.Http.PostAsJsonAsync("/api/v1/monitoring/duty", new { day = Iso(day), @checked, problems, reportToLeader, correctionReason });

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Publisher_SignsAWorkingDay_CorrectionsAreNewVersions_ProblemsReachTheLeader_MissingDaysCount(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        var (working, saturday, today) = Days(app);
        // Published earlier today in agency time: halfway between the agency's midnight and now, so the
        // test also holds in the first hours of the agency's day (it failed from 00:00 to 02:00 Beijing
        // time when the items were seeded two hours back, on the agency's yesterday).
        var clock = app.Services.GetRequiredService<AgencyClock>();
        var midnight = clock.StartOfDay(today);
        var earlierToday = midnight + ((DateTimeOffset.UtcNow - midnight) / 2);
        await ApprovalRecordBookTests.SeedPublishedAsync(app, 2, "监管记录测试", at: earlierToday);
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var officer = await ApiClient.SignInAsync(app, "officer");

        // The day's facts prefill the record: the two items published today are counted.
        var facts = await publisher.Http.GetFromJsonAsync<JsonElement>($"/api/v1/monitoring/duty/{Iso(today)}");
        Assert.Equal(2, facts.GetProperty("facts").GetProperty("published").GetInt32());

        // Only the Publisher signs; only working days, not in the future; what was checked is required.
        await ApiClient.EnsureAsync(await SignAsync(officer, working), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await SignAsync(director, working), HttpStatusCode.Forbidden);
        Assert.True((await ApiClient.EnsureAsync(await SignAsync(publisher, today.AddDays(1)), HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("day", out _));
        Assert.Contains("不是工作日", (await ApiClient.EnsureAsync(await SignAsync(publisher, saturday), HttpStatusCode.BadRequest)).GetProperty("errors").GetProperty("day")[0].GetString());
        Assert.True((await ApiClient.EnsureAsync(await SignAsync(publisher, working, @checked: " "), HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("checked", out _));
        Assert.True((await ApiClient.EnsureAsync(await SignAsync(publisher, working, reportToLeader: true), HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("problems", out _));

        var first = await ApiClient.EnsureAsync(await SignAsync(publisher, working), HttpStatusCode.Created);
        Assert.Equal(1, first.GetProperty("version").GetInt32());
        Assert.Equal("郑网管", first.GetProperty("signedByName").GetString());

        // Signed is signed: a second signature needs a reason and becomes version 2, naming version 1.
        Assert.True((await ApiClient.EnsureAsync(await SignAsync(publisher, working, problems: "首页图片显示异常"), HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("correctionReason", out _));
        var second = await ApiClient.EnsureAsync(await SignAsync(publisher, working, problems: "首页图片显示异常，已撤下并备份。", reportToLeader: true, correctionReason: "补记下午发现的问题"), HttpStatusCode.Created);
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        Assert.Equal(first.GetProperty("id").GetInt32(), second.GetProperty("replacesId").GetInt32());

        var versions = (await director.Http.GetFromJsonAsync<JsonElement>($"/api/v1/monitoring/duty/{Iso(working)}")).GetProperty("versions");
        Assert.Equal(2, versions.GetArrayLength());
        Assert.Equal("已检查当日信息。", versions[0].GetProperty("checked").GetString());
        Assert.Equal(JsonValueKind.Null, versions[0].GetProperty("problems").ValueKind); // version 1 as it was signed

        // The director sees every working day of the range: the signed one and the missing ones.
        var from = working.AddDays(-14);
        var days = (await director.Http.GetFromJsonAsync<JsonElement>($"/api/v1/monitoring/duty?from={Iso(from)}&to={Iso(working)}")).EnumerateArray().ToList();
        Assert.All(days, d => Assert.False(DateOnly.Parse(d.GetProperty("day").GetString()!, CultureInfo.InvariantCulture).DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday));
        var signedDay = days.Single(d => d.GetProperty("day").GetString() == Iso(working));
        Assert.False(signedDay.GetProperty("missing").GetBoolean());
        Assert.Equal(2, signedDay.GetProperty("record").GetProperty("version").GetInt32());
        Assert.Equal(days.Count - 1, days.Count(d => d.GetProperty("missing").GetBoolean()));
        await ApiClient.EnsureAsync(await officer.Http.GetAsync("/api/v1/monitoring/duty"), HttpStatusCode.Forbidden);

        // Counted by month: the working days before today without a record.
        var month = await director.Http.GetFromJsonAsync<JsonElement>($"/api/v1/monitoring/duty-missing?year={working.Year}&month={working.Month}");
        var expected = Enumerable.Range(1, DateTime.DaysInMonth(working.Year, working.Month)).Select(d => new DateOnly(working.Year, working.Month, d))
            .Count(d => d < today && d.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && d != working);
        Assert.Equal(expected, month.GetProperty("missingDays").GetInt32());

        // The report reached the leaders, and every signature is in the audit chain.
        await using var db = app.CreateDbContext();
        var leader = await db.Users.Where(u => u.UserName == "leader").Select(u => u.Id).SingleAsync();
        Assert.True(await db.Notifications.AnyAsync(n => n.UserId == leader && n.Kind == "DutyProblemReported"));
        var actions = await db.AuditRecords.Where(a => a.Target == $"duty:{Iso(working)}").OrderBy(a => a.Id).Select(a => a.Action).ToListAsync();
        Assert.Equal(["DutyRecordSigned", "DutyRecordCorrected", "DutyProblemReported"], actions);
    }
}
