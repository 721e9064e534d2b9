using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Interaction;

/// <summary>A message's way through the API: leave it, route it, draft, approve, publish, look it up.</summary>
public sealed class InteractionJourneyTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Message_LeftRoutedDraftedApproved_SenderReadsReplyAndPublicSeesNoPersonalData(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var anonymous = app.CreatePortalClient();
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var head = await ApiClient.SignInAsync(app, "depthead");

        var (ticket, code) = await InteractionApi.LeaveOkAsync(anonymous);
        Assert.Matches(@"^\d{4}-\d{6}$", ticket);
        Assert.Matches("^[A-Z2-9]{10}$", code);
        await using (var db = app.CreateDbContext())
        {
            var stored = await db.InteractionMessages.SingleAsync(m => m.Ticket == ticket);
            Assert.NotEqual(code, stored.CodeHash);
            Assert.DoesNotContain(code, stored.CodeHash, StringComparison.OrdinalIgnoreCase);
            Assert.True(stored.HasPersonalData);
        }

        // Before anything happens the sender sees "received" and the deadline, no reply.
        var early = await ApiClient.EnsureAsync(await InteractionApi.LookupAsync(anonymous, ticket, code), HttpStatusCode.OK);
        Assert.Equal("Received", early.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, early.GetProperty("reply").ValueKind);
        Assert.True(DateOnly.Parse(early.GetProperty("deadline").GetString()!, System.Globalization.CultureInfo.InvariantCulture) > DateOnly.FromDateTime(DateTime.Today));

        // It lands with the Publisher, who assigns 综合股.
        var id = await InteractionApi.IdOfAsync(publisher, ticket);
        var incoming = await publisher.Http.GetFromJsonAsync<JsonElement>("/api/v1/interaction/messages?queue=Incoming");
        Assert.Contains(incoming.EnumerateArray(), m => m.GetProperty("id").GetInt32() == id);
        var general = await InteractionApi.DepartmentIdAsync(publisher, "综合股");
        await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, id, general), HttpStatusCode.OK);

        // The department's officer sees it in the department queue and drafts; the head approves.
        var queue = await officer.Http.GetFromJsonAsync<JsonElement>("/api/v1/interaction/messages?queue=Department");
        Assert.Contains(queue.EnumerateArray(), m => m.GetProperty("id").GetInt32() == id);
        const string Reply = "经核查，该药店已责令停业整改，感谢您的监督。";
        var drafted = await ApiClient.EnsureAsync(await InteractionApi.ReplyAsync(officer, id, Reply), HttpStatusCode.OK);
        Assert.Equal("ReplyInReview", drafted.GetProperty("status").GetString());
        var waiting = await ApiClient.EnsureAsync(await InteractionApi.LookupAsync(anonymous, ticket, code), HttpStatusCode.OK);
        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("reply").ValueKind);

        var approved = await ApiClient.EnsureAsync(await InteractionApi.DecideAsync(head, id, "Approve", "同意。"), HttpStatusCode.OK);
        Assert.Equal("Answered", approved.GetProperty("status").GetString());
        var history = approved.GetProperty("history").EnumerateArray().Select(h => h.GetProperty("action").GetString()).ToList();
        Assert.Equal(["Received", "Assigned", "Drafted", "Approved"], history);

        // The sender reads the reply with ticket + code.
        var answered = await ApiClient.EnsureAsync(await InteractionApi.LookupAsync(anonymous, ticket, code), HttpStatusCode.OK);
        Assert.Equal("Answered", answered.GetProperty("status").GetString());
        Assert.Equal(Reply, answered.GetProperty("reply").GetString());
        Assert.Equal("综合股", answered.GetProperty("department").GetString());

        // The public list and the detail page show it — without the sender's data or personal data.
        var list = await anonymous.GetStringAsync("/interaction");
        var detail = await anonymous.GetStringAsync($"/interaction/messages/{ticket}");
        foreach (var page in new[] { list, detail })
        {
            Assert.Contains("小区药店无证经营", page, StringComparison.Ordinal);
            Assert.Contains(Reply, page, StringComparison.Ordinal);
            Assert.DoesNotContain(InteractionApi.PersonalId, page, StringComparison.Ordinal);
            Assert.DoesNotContain(InteractionApi.PersonalPhone, page, StringComparison.Ordinal);
            Assert.DoesNotContain("zhang.san@example.com", page, StringComparison.Ordinal);
            Assert.DoesNotContain("张三", page, StringComparison.Ordinal);
        }

        Assert.Contains("小区门口药店无证经营", detail, StringComparison.Ordinal);

        // Audited.
        await using var check = app.CreateDbContext();
        // In the chain's order: without an ORDER BY, SQLite returned them in an index's order once one covered the query.
        var actions = await check.AuditRecords.Where(a => a.Target == $"message:{id}").OrderBy(a => a.Sequence).Select(a => a.Action).ToListAsync();
        Assert.Equal(["MessageReceived", "MessageAssigned", "MessageReplyDrafted", "MessageReplyApproved"], actions);
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Lookup_WrongCode_LooksLikeUnknownTicket(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var anonymous = app.CreatePortalClient();
        var (ticket, code) = await InteractionApi.LeaveOkAsync(anonymous);
        var wrong = await InteractionApi.LookupAsync(anonymous, ticket, code[..^1] + (code[^1] == 'A' ? 'B' : 'A'));
        var unknown = await InteractionApi.LookupAsync(anonymous, "2000-999999", code);
        var wrongBody = await ApiClient.EnsureAsync(wrong, HttpStatusCode.NotFound);
        var unknownBody = await ApiClient.EnsureAsync(unknown, HttpStatusCode.NotFound);
        Assert.Equal(unknownBody.GetProperty("detail").GetString(), wrongBody.GetProperty("detail").GetString());
        Assert.Equal(unknownBody.GetProperty("code").GetString(), wrongBody.GetProperty("code").GetString());
        await ApiClient.EnsureAsync(await InteractionApi.LookupAsync(anonymous, ticket, code.ToLowerInvariant()), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Draft_ByOfficerOfAnotherDepartment_IsForbidden()
    {
        await using var app = new PortalFactory();
        using var anonymous = app.CreatePortalClient();
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        using var officer2 = await ApiClient.SignInAsync(app, "officer2");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var (ticket, _) = await InteractionApi.LeaveOkAsync(anonymous);
        var id = await InteractionApi.IdOfAsync(publisher, ticket);

        // Not assigned yet: nobody drafts.
        await ApiClient.EnsureAsync(await InteractionApi.ReplyAsync(officer, id, "答复"), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, id, await InteractionApi.DepartmentIdAsync(publisher, "综合股")), HttpStatusCode.OK);

        var refused = await ApiClient.EnsureAsync(await InteractionApi.ReplyAsync(officer2, id, "越权答复"), HttpStatusCode.Forbidden);
        Assert.Equal("forbidden", refused.GetProperty("code").GetString());
        // …and cannot even see it.
        await ApiClient.EnsureAsync(await officer2.Http.GetAsync($"/api/v1/interaction/messages/{id}"), HttpStatusCode.NotFound);
        var queue = await officer2.Http.GetFromJsonAsync<JsonElement>("/api/v1/interaction/messages?queue=All");
        Assert.DoesNotContain(queue.EnumerateArray(), m => m.GetProperty("id").GetInt32() == id);

        // Only the Publisher assigns.
        await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(officer, id, 1, "想改派"), HttpStatusCode.Forbidden);
        await using var db = app.CreateDbContext();
        Assert.Null((await db.InteractionMessages.SingleAsync(m => m.Id == id)).ReplyText);
    }

    [Fact]
    public async Task Approve_ByOtherHeadOrByTheDrafter_IsForbidden_ReturnNeedsOpinion()
    {
        await using var app = new PortalFactory();
        using var anonymous = app.CreatePortalClient();
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        using var head = await ApiClient.SignInAsync(app, "depthead");
        using var head2 = await ApiClient.SignInAsync(app, "depthead2");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        var (ticket, _) = await InteractionApi.LeaveOkAsync(anonymous);
        var id = await InteractionApi.IdOfAsync(publisher, ticket);
        await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, id, await InteractionApi.DepartmentIdAsync(publisher, "综合股")), HttpStatusCode.OK);

        // The head drafts himself: he may not approve his own draft.
        await ApiClient.EnsureAsync(await InteractionApi.ReplyAsync(head, id, "部门负责人亲自起草的答复。"), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await InteractionApi.DecideAsync(head, id, "Approve"), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await InteractionApi.DecideAsync(head2, id, "Approve"), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await InteractionApi.DecideAsync(officer, id, "Approve"), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await InteractionApi.DecideAsync(head2, id, "Return", "不同意"), HttpStatusCode.Forbidden);

        // Returned by… nobody yet; reassign to 药品监管股 with a reason sends it there, draft cleared.
        var noReason = await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, id, await InteractionApi.DepartmentIdAsync(publisher, "药品监管股")), HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", noReason.GetProperty("code").GetString());
        var moved = await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, id, await InteractionApi.DepartmentIdAsync(publisher, "药品监管股"), "涉及药品监管职责"), HttpStatusCode.OK);
        Assert.Equal("Assigned", moved.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, moved.GetProperty("reply").ValueKind);

        using var officer2 = await ApiClient.SignInAsync(app, "officer2");
        await ApiClient.EnsureAsync(await InteractionApi.ReplyAsync(officer2, id, "第一稿"), HttpStatusCode.OK);
        var noOpinion = await ApiClient.EnsureAsync(await InteractionApi.DecideAsync(head2, id, "Return"), HttpStatusCode.BadRequest);
        Assert.Equal("validation_failed", noOpinion.GetProperty("code").GetString());
        var returned = await ApiClient.EnsureAsync(await InteractionApi.DecideAsync(head2, id, "Return", "请补充处理结果。"), HttpStatusCode.OK);
        Assert.Equal("Assigned", returned.GetProperty("status").GetString());

        await using var db = app.CreateDbContext();
        var reassigned = await db.AuditRecords.SingleAsync(a => a.Target == $"message:{id}" && a.Action == "MessageReassigned");
        Assert.Contains("涉及药品监管职责", reassigned.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_WithSecrecyMarking_IsRefusedWith422_MessageWithOne_IsAcceptedButFlaggedAndNeverPublic()
    {
        await using var app = new PortalFactory();
        using var anonymous = app.CreatePortalClient();
        var (ticket, code) = await InteractionApi.LeaveOkAsync(anonymous, InteractionApi.Message(subject: "关于机密文件的举报", text: "我看到一份标有绝密★的文件被随意丢弃。", contact: null, name: null));
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var head = await ApiClient.SignInAsync(app, "depthead");
        var id = await InteractionApi.IdOfAsync(publisher, ticket);
        var detail = await publisher.Http.GetFromJsonAsync<JsonElement>($"/api/v1/interaction/messages/{id}");
        Assert.True(detail.GetProperty("flagged").GetBoolean());
        Assert.False(detail.GetProperty("isPublic").GetBoolean());

        await ApiClient.EnsureAsync(await InteractionApi.AssignAsync(publisher, id, await InteractionApi.DepartmentIdAsync(publisher, "综合股")), HttpStatusCode.OK);
        var blocked = await ApiClient.EnsureAsync(await InteractionApi.ReplyAsync(officer, id, "该文件属于机密级材料，已收回。"), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("blocked_by_screening", blocked.GetProperty("code").GetString());
        await ApiClient.EnsureAsync(await InteractionApi.ReplyAsync(officer, id, "已核实并妥善处理，感谢您的反映。"), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await InteractionApi.DecideAsync(head, id, "Approve"), HttpStatusCode.OK);

        // The sender still reads the reply; the public never sees the message.
        var mine = await ApiClient.EnsureAsync(await InteractionApi.LookupAsync(anonymous, ticket, code), HttpStatusCode.OK);
        Assert.Equal("已核实并妥善处理，感谢您的反映。", mine.GetProperty("reply").GetString());
        Assert.DoesNotContain("关于机密文件的举报", await anonymous.GetStringAsync("/interaction"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/interaction/messages/{ticket}")).StatusCode);
        await ApiClient.EnsureAsync(await publisher.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/visibility", new { isPublic = true }), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Hide_NeedsReason_IsAudited_AndRemovesFromPublicList_SenderStillReadsReply()
    {
        await using var app = new PortalFactory();
        using var anonymous = app.CreatePortalClient();
        var (ticket, code) = await InteractionApi.LeaveOkAsync(anonymous, InteractionApi.Message(subject: "关于邻里纠纷的咨询"));
        var id = await InteractionApi.AnswerAsync(app, ticket, "请向所在社区调解委员会申请调解。");
        Assert.Contains("关于邻里纠纷的咨询", await anonymous.GetStringAsync("/interaction"), StringComparison.Ordinal);

        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        using var officer = await ApiClient.SignInAsync(app, "officer");
        await ApiClient.EnsureAsync(await publisher.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/visibility", new { isPublic = false }), HttpStatusCode.BadRequest);
        await ApiClient.EnsureAsync(await officer.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/visibility", new { isPublic = false, reason = "涉及个人隐私" }), HttpStatusCode.Forbidden);
        await ApiClient.EnsureAsync(await publisher.Http.PostAsJsonAsync($"/api/v1/interaction/messages/{id}/visibility", new { isPublic = false, reason = "涉及个人隐私" }), HttpStatusCode.OK);

        Assert.DoesNotContain("关于邻里纠纷的咨询", await anonymous.GetStringAsync("/interaction"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/interaction/messages/{ticket}")).StatusCode);
        var mine = await ApiClient.EnsureAsync(await InteractionApi.LookupAsync(anonymous, ticket, code), HttpStatusCode.OK);
        Assert.Equal("请向所在社区调解委员会申请调解。", mine.GetProperty("reply").GetString());
        await using var db = app.CreateDbContext();
        Assert.Contains("涉及个人隐私", (await db.AuditRecords.SingleAsync(a => a.Target == $"message:{id}" && a.Action == "MessageHidden")).Detail, StringComparison.Ordinal);
    }
}
