using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;

namespace InfoPortal.Tests.Features.Requests;

/// <summary>The entity's transitions, from every state, without a database.</summary>
public sealed class PublicationRequestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static Actor Person(int id, int department, params string[] roles) =>
        new(id, "u" + id, "User " + id, department, roles.ToHashSet(), "127.0.0.1");

    private static readonly Actor Officer = Person(1, 10, Roles.Officer);
    private static readonly Actor DeptHead = Person(2, 10, Roles.DeptHead);
    private static readonly Actor OtherDeptHead = Person(7, 11, Roles.DeptHead);
    private static readonly Actor Director = Person(3, 20, Roles.OfficeDirector);
    private static readonly Actor Leader = Person(4, 20, Roles.Leader);
    private static readonly Actor Principal = Person(5, 20, Roles.PrincipalLeader);
    private static readonly Actor Publisher = Person(6, 20, Roles.Publisher);
    private static readonly Actor SystemAdmin = Person(8, 20, Roles.SystemAdmin);
    private static readonly Actor Secrecy = Person(9, 20, Roles.SecrecyOfficer);

    private static readonly Column External = new() { Id = 100, Site = Site.External, Name = "工作动态" };
    private static readonly Column Internal = new() { Id = 200, Site = Site.Internal, Name = "内部通知" };

    private static ReviewChain Chain(string code) => new() { Id = code == ReviewChain.County ? 1 : 2, Code = code, Version = 1, StepsJson = ReviewChain.Serialize(ReviewChain.Shipped[code]), IsActive = true };

    private static RequestContent Content(Importance importance = Importance.Normal, string title = "县局召开药品安全专题会议") =>
        new(title, "<p>正文</p>", "县局办公室", ContentKind.Text, importance, new DateOnly(2026, 11, 19), [External.Id], true);

    private static PublicationRequest Arrange(RequestStatus status)
    {
        var request = PublicationRequest.Create(Officer, Content(), [], Now);
        switch (status)
        {
            case RequestStatus.Draft:
                break;
            case RequestStatus.Withdrawn:
                request.Withdraw(Officer, Now);
                break;
            default:
                request.Submit(Officer, Chain(ReviewChain.County), [Site.External], Now);
                if (status == RequestStatus.Returned) request.Return(DeptHead, "请补充来源。", Now);
                if (status >= RequestStatus.Approved && status != RequestStatus.Returned)
                {
                    request.Approve(DeptHead, "同意", Now);
                    request.Approve(Director, "同意", Now);
                    request.Approve(Leader, "同意", Now); // the internet ends with a leader (ADR 0045)
                }

                if (status == RequestStatus.Scheduled) request.Schedule(Publisher, Now.AddDays(1), Now);
                if (status is RequestStatus.Published or RequestStatus.TakenDown) request.Publish(Publisher, [External], Now);
                if (status == RequestStatus.TakenDown) request.TakeDown(Publisher, "内容有误", Now);
                break;
        }

        Assert.Equal(status, request.Status);
        return request;
    }

    public static readonly IReadOnlyDictionary<string, (Action<PublicationRequest> Act, RequestStatus[] AllowedFrom)> Transitions =
        new Dictionary<string, (Action<PublicationRequest>, RequestStatus[])>
        {
            ["edit"] = (r => r.Edit(Officer, Content(title: "修改后的标题"), Now), [RequestStatus.Draft, RequestStatus.Returned]),
            ["submit"] = (r => r.Submit(Officer, Chain(ReviewChain.County), [Site.External], Now), [RequestStatus.Draft]),
            ["resubmit"] = (r => r.Resubmit(Officer, Chain(ReviewChain.County), [Site.External], Now), [RequestStatus.Returned]),
            ["withdraw"] = (r => r.Withdraw(Officer, Now), [RequestStatus.Draft, RequestStatus.InReview]),
            ["approve"] = (r => r.Approve(DeptHead, "同意", Now), [RequestStatus.InReview]),
            ["return"] = (r => r.Return(DeptHead, "请修改", Now), [RequestStatus.InReview]),
            ["publish"] = (r => r.Publish(Publisher, [External], Now), [RequestStatus.Approved, RequestStatus.Scheduled]),
            ["schedule"] = (r => r.Schedule(Publisher, Now.AddHours(2), Now), [RequestStatus.Approved, RequestStatus.Scheduled]),
            ["takedown"] = (r => r.TakeDown(Publisher, "发现错误", Now), [RequestStatus.Published, RequestStatus.Scheduled]),
        };

    public static TheoryData<string, RequestStatus> EveryTransitionFromEveryState()
    {
        var data = new TheoryData<string, RequestStatus>();
        foreach (var transition in Transitions.Keys)
        {
            foreach (var status in Enum.GetValues<RequestStatus>())
            {
                data.Add(transition, status);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryTransitionFromEveryState))]
    public void Transition_FromState_IsAllowedOrRefusedWithConflict(string transition, RequestStatus from)
    {
        var request = Arrange(from);
        var (act, allowedFrom) = Transitions[transition];
        var versionBefore = request.Version;

        if (allowedFrom.Contains(from))
        {
            act(request);
            Assert.True(request.Version > versionBefore, "a change bumps the concurrency version");
        }
        else
        {
            var error = Assert.ThrowsAny<ConflictException>(() => act(request));
            Assert.StartsWith("Requests.Error.", error.Message);
            Assert.Equal(from, request.Status);
            Assert.Equal(versionBefore, request.Version);
        }
    }

    [Fact]
    public void NormalItem_CountyChain_GoesDeptHeadThenDirectorThenLeader_ThenApproved()
    {
        var request = Arrange(RequestStatus.Draft);
        request.Submit(Officer, Chain(ReviewChain.County), [Site.External], Now);
        Assert.Equal([Roles.DeptHead, Roles.OfficeDirector, Roles.Leader], request.PlannedSteps.Select(s => s.Role));
        request.Approve(DeptHead, "同意", Now);
        Assert.Equal(Roles.OfficeDirector, request.CurrentRole);
        request.Approve(Director, "同意", Now.AddHours(1));
        Assert.Equal(Roles.Leader, request.CurrentRole);
        Assert.Throws<InvalidTransitionException>(() => request.Publish(Publisher, [External], Now.AddHours(1)));
        request.Approve(Leader, "同意", Now.AddHours(2));
        Assert.Equal(RequestStatus.Approved, request.Status);
        Assert.All(request.Decisions, d => Assert.Equal(request.ContentSha256, d.ContentSha256));
    }

    [Theory]
    [InlineData(Importance.Normal, Site.External, new[] { Roles.DeptHead, Roles.OfficeDirector, Roles.Leader })]
    [InlineData(Importance.Important, Site.External, new[] { Roles.DeptHead, Roles.OfficeDirector, Roles.Leader })]
    [InlineData(Importance.Major, Site.External, new[] { Roles.DeptHead, Roles.OfficeDirector, Roles.Leader, Roles.PrincipalLeader })]
    [InlineData(Importance.Normal, Site.Internal, new[] { Roles.DeptHead, Roles.OfficeDirector })]
    [InlineData(Importance.Important, Site.Internal, new[] { Roles.DeptHead, Roles.OfficeDirector, Roles.Leader })]
    [InlineData(Importance.Major, Site.Internal, new[] { Roles.DeptHead, Roles.OfficeDirector, Roles.Leader, Roles.PrincipalLeader })]
    public void CountyChain_StepsDependOnImportance_AndTheInternetAlwaysEndsWithALeader(Importance importance, Site site, string[] roles)
    {
        var request = PublicationRequest.Create(Officer, Content(importance), [], Now);
        request.Submit(Officer, Chain(ReviewChain.County), [site], Now);
        Assert.Equal(roles, request.PlannedSteps.Select(s => s.Role));
    }

    [Theory]
    [InlineData(Importance.Normal, new[] { Roles.Leader })]
    [InlineData(Importance.Important, new[] { Roles.Leader, Roles.OfficeDirector })]
    public void ProvincialChain_UnitLeader_ThenProvincialApprovalForImportantItems(Importance importance, string[] roles)
    {
        var request = PublicationRequest.Create(Officer, Content(importance), [], Now);
        request.Submit(Officer, Chain(ReviewChain.Provincial), [Site.External], Now);
        Assert.Equal(roles, request.PlannedSteps.Select(s => s.Role));
        Assert.Equal(["unit-leader", .. importance == Importance.Important ? new[] { "provincial-approval" } : []], request.PlannedSteps.Select(s => s.Key));
    }

    [Fact]
    public void Approve_ByHeadOfAnotherDepartment_IsForbidden()
    {
        var request = Arrange(RequestStatus.InReview);
        Assert.Throws<ForbiddenException>(() => request.Approve(OtherDeptHead, "同意", Now));
        Assert.Empty(request.Decisions);
    }

    [Theory]
    [InlineData(Roles.Publisher)]
    [InlineData(Roles.SystemAdmin)]
    [InlineData(Roles.Officer)]
    [InlineData(Roles.OfficeDirector)]
    public void Approve_FirstStep_WithoutDeptHeadRole_IsForbidden(string role)
    {
        var request = Arrange(RequestStatus.InReview);
        Assert.Throws<ForbiddenException>(() => request.Approve(Person(50, 10, role), "同意", Now));
    }

    [Fact]
    public void SamePerson_CannotSignTwoStepsOfOneRound()
    {
        var both = Person(30, 10, Roles.DeptHead, Roles.OfficeDirector);
        var request = Arrange(RequestStatus.InReview);
        request.Approve(both, "同意", Now);
        var error = Assert.Throws<ForbiddenException>(() => request.Approve(both, "同意", Now));
        Assert.Equal("Requests.Error.AlreadySigned", error.Message);
    }

    [Fact]
    public void OfficerWithReviewerRole_CannotReviewOwnRequest()
    {
        var officerHead = Person(31, 10, Roles.Officer, Roles.DeptHead);
        var request = PublicationRequest.Create(officerHead, Content(), [], Now);
        request.Submit(officerHead, Chain(ReviewChain.County), [Site.External], Now);
        Assert.Throws<ForbiddenException>(() => request.Approve(officerHead, "同意", Now));
    }

    [Fact]
    public void Return_WithoutOpinion_IsRefused()
    {
        var request = Arrange(RequestStatus.InReview);
        var error = Assert.Throws<ValidationFailedException>(() => request.Return(DeptHead, "  ", Now));
        Assert.Contains("opinion", error.Errors.Keys);
        Assert.Equal(RequestStatus.InReview, request.Status);
    }

    [Fact]
    public void Withdraw_AfterFirstDecision_IsRefused()
    {
        var request = Arrange(RequestStatus.InReview);
        request.Approve(DeptHead, "同意", Now);
        var error = Assert.Throws<ConflictException>(() => request.Withdraw(Officer, Now));
        Assert.Equal("Requests.Error.WithdrawAfterDecision", error.Message);
    }

    [Fact]
    public void EditAfterApproval_ChangesHash_AndResubmissionStartsAtFirstStep()
    {
        var request = Arrange(RequestStatus.InReview);
        request.Approve(DeptHead, "同意", Now);
        var signed = request.ContentSha256;
        request.Return(Director, "标题需修改", Now);
        request.Edit(Officer, Content(title: "修改后的标题"), Now);
        Assert.NotEqual(signed, request.ContentSha256);

        request.Resubmit(Officer, Chain(ReviewChain.County), [Site.External], Now);
        Assert.Equal(2, request.Round);
        Assert.Equal(0, request.CurrentStepIndex);
        Assert.Equal(Roles.DeptHead, request.CurrentRole);
        Assert.True(request.IsReviewerOfCurrentStep(DeptHead), "the department head signs again in the new round");
    }

    [Fact]
    public void PublishedExternally_CanGoToIntranetWithoutReview_ButNotToAnotherExternalColumn()
    {
        var request = Arrange(RequestStatus.Published);
        request.Publish(Publisher, [Internal], Now);
        Assert.Contains(request.Publications, p => p.ColumnId == Internal.Id && p.Site == Site.Internal);

        var other = new Column { Id = 101, Site = Site.External, Name = "通知公告" };
        Assert.Throws<ConflictException>(() => request.Publish(Publisher, [other], Now));
    }

    [Fact]
    public void Publish_BySystemAdmin_IsForbidden_TakeDown_BySecrecyOfficer_IsAllowed()
    {
        var approved = Arrange(RequestStatus.Approved);
        Assert.Throws<ForbiddenException>(() => approved.Publish(SystemAdmin, [External], Now));
        Assert.Throws<ForbiddenException>(() => approved.Schedule(SystemAdmin, Now.AddDays(1), Now));

        var published = Arrange(RequestStatus.Published);
        Assert.Throws<ForbiddenException>(() => published.TakeDown(SystemAdmin, "x", Now));
        published.TakeDown(Secrecy, "发现涉密内容", Now);
        Assert.Equal(RequestStatus.TakenDown, published.Status);
        Assert.All(published.Publications, p => Assert.Equal(Now, p.TakenDownAt));
    }

    [Fact]
    public void Schedule_InThePast_IsRefused_TakeDownNeedsReason()
    {
        var approved = Arrange(RequestStatus.Approved);
        Assert.Throws<ValidationFailedException>(() => approved.Schedule(Publisher, Now.AddMinutes(-1), Now));
        var published = Arrange(RequestStatus.Published);
        Assert.Throws<ValidationFailedException>(() => published.TakeDown(Publisher, "", Now));
    }

    [Fact]
    public void Submit_Incomplete_ListsTheMissingFields()
    {
        var request = PublicationRequest.Create(Officer, Content() with { Source = "", ColumnIds = [], DeclarationAccepted = false }, [], Now);
        var error = Assert.Throws<ValidationFailedException>(() => request.Submit(Officer, Chain(ReviewChain.County), [], Now));
        Assert.Equal(["columnIds", "declarationAccepted", "source"], error.Errors.Keys.Order());
        Assert.Equal(RequestStatus.Draft, request.Status);
    }

    [Fact]
    public void EverySave_IsANewVersion_WithItsOwnHash()
    {
        var request = Arrange(RequestStatus.Draft);
        request.Edit(Officer, Content(title: "第二版"), Now);
        request.Edit(Officer, Content(title: "第三版"), Now);
        Assert.Equal([1, 2, 3], request.Versions.Select(v => v.Number));
        Assert.Equal(3, request.Versions.Select(v => v.Sha256).Distinct().Count());
        Assert.Equal("第二版", request.Versions[1].Snapshot.Title);
    }
}
