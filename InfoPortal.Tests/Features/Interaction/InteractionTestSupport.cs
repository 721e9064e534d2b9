using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;

namespace InfoPortal.Tests.Features.Interaction;

/// <summary>Leaves messages through the public API and drives the back-office endpoints.</summary>
internal static class InteractionApi
{
    public const string PersonalId = "110101199003074514";
    public const string PersonalPhone = "13912345678";

    public static object Message(string subject = "小区药店无证经营", string? text = null, string? contact = "zhang.san@example.com", string? name = "张三", string kind = "Complaint") => new
    {
        kind,
        subject,
        text = text ?? $"我住在城东小区，身份证号{PersonalId}，电话{PersonalPhone}。小区门口药店无证经营，请查处。",
        name,
        contact,
        consent = true,
    };

    public static Task<HttpResponseMessage> LeaveAsync(HttpClient anonymous, object message) =>
        anonymous.PostAsJsonAsync("/api/v1/public/messages", message);

    public static async Task<(string Ticket, string Code)> LeaveOkAsync(HttpClient anonymous, object? message = null)
    {
        var body = await ApiClient.EnsureAsync(await LeaveAsync(anonymous, message ?? Message()), HttpStatusCode.Created);
        return (body.GetProperty("ticket").GetString()!, body.GetProperty("code").GetString()!);
    }

    public static async Task<int> IdOfAsync(ApiClient publisher, string ticket)
    {
        var list = await publisher.Http.GetFromJsonAsync<JsonElement>("/api/v1/interaction/messages?queue=All&limit=200");
        return list.EnumerateArray().Single(m => m.GetProperty("ticket").GetString() == ticket).GetProperty("id").GetInt32();
    }

    public static async Task<int> DepartmentIdAsync(ApiClient client, string name)
    {
        var list = await client.Http.GetFromJsonAsync<JsonElement>("/api/v1/departments");
        return list.EnumerateArray().Single(d => d.GetProperty("name").GetString() == name).GetProperty("id").GetInt32();
    }

    public static Task<HttpResponseMessage> AssignAsync(ApiClient client, int id, int departmentId, string? reason = null) =>
        client.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/assign", new { departmentId, reason });

    public static Task<HttpResponseMessage> ReplyAsync(ApiClient client, int id, string text) =>
        client.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/reply", new { text });

    public static Task<HttpResponseMessage> DecideAsync(ApiClient client, int id, string decision, string? opinion = null) =>
        client.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/decisions", new { decision, opinion });

    public static Task<HttpResponseMessage> LookupAsync(HttpClient anonymous, string ticket, string code) =>
        anonymous.GetAsync($"/api/v1/public/messages/{Uri.EscapeDataString(ticket)}?code={Uri.EscapeDataString(code)}");

    /// <summary>Leave → assign to 综合股 → officer drafts → depthead approves; returns the message's id.</summary>
    public static async Task<int> AnswerAsync(PortalFactory app, string ticket, string reply)
    {
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var head = await ApiClient.SignInAsync(app, "depthead");
        var id = await IdOfAsync(publisher, ticket);
        await ApiClient.EnsureAsync(await AssignAsync(publisher, id, await DepartmentIdAsync(publisher, "综合股")), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await ReplyAsync(officer, id, reply), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await DecideAsync(head, id, "Approve", "同意答复。"), HttpStatusCode.OK);
        return id;
    }
}
