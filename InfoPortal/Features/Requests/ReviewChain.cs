using System.Text.Json;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;

namespace InfoPortal.Features.Requests;

/// <summary>Whose department a step's reviewer must belong to.</summary>
public enum StepScope
{
    /// <summary>The reviewer must be in the request's department (部门负责人).</summary>
    OwnDepartment = 1,

    /// <summary>Any holder of the role (办公室主任, 领导).</summary>
    Global = 2,
}

/// <summary>
/// One step of a chain definition: who signs, and when the step applies. A step applies when the
/// item is at least <see cref="MinImportance"/> <em>or</em> goes to <see cref="AlsoForSite"/>
/// (the internet needs a leader whatever the importance, ADR 0045), and, when set, only if the
/// item goes to <see cref="OnlyForSite"/>, is of <see cref="OnlyForKind"/>, and concerns other
/// departments (<see cref="OnlyIfSeveralDepartments"/>, the form's 涉及部门; ADR 0047).
/// </summary>
public sealed record ChainStep(
    string Key, string Role, StepScope Scope, Importance MinImportance = Importance.Normal, Site? OnlyForSite = null, Site? AlsoForSite = null,
    ContentKind? OnlyForKind = null, bool OnlyIfSeveralDepartments = false)
{
    public bool AppliesTo(Importance importance, IReadOnlyCollection<Site> sites, ContentKind kind = ContentKind.Text, bool severalDepartments = false) =>
        (importance >= MinImportance || (AlsoForSite is { } also && sites.Contains(also)))
        && (OnlyForSite is null || sites.Contains(OnlyForSite.Value))
        && (OnlyForKind is null || OnlyForKind == kind)
        && (!OnlyIfSeveralDepartments || severalDepartments);
}

/// <summary>
/// 审核流程 as data: an ordered list of steps with conditions. Stored versioned in the database;
/// a request keeps the definition version it was submitted under (see <see cref="PublicationRequest.ChainId"/>).
/// </summary>
public sealed class ReviewChain
{
    public const string County = "county";
    public const string Provincial = "provincial";

    /// <summary>The step that records the higher authority's approval (制度 第十条): it needs evidence (<see cref="ProvincialEvidence"/>).</summary>
    public const string ProvincialApprovalStep = "provincial-approval";

    /// <summary>The 保密工作领导小组's review of an item spanning several departments (保密制度 九(二), ADR 0046).</summary>
    public static PlannedStep CrossDepartmentSecrecyStep => new("cross-department-secrecy", Roles.SecrecyOfficer, StepScope.Global);

    /// <summary>The key of the leader's step added for an internal matter.</summary>
    public const string InternalMatterStepKey = "internal-matter-leader";

    /// <summary>The leader's step added for an internal matter (保密制度 五, ADR 0040) where the chain has no leader.</summary>
    public static PlannedStep InternalMatterLeaderStep => new(InternalMatterStepKey, Roles.Leader, StepScope.Global);

    /// <summary>The key of the review step added for the secrecy officer when a blocking hit is claimed a false positive (ADR 0011).</summary>
    public const string SecrecyStepKey = "secrecy-check";

    /// <summary>The secrecy officer's step added for an override (ADR 0011).</summary>
    public static PlannedStep SecrecyStep => new(SecrecyStepKey, Roles.SecrecyOfficer, StepScope.Global);

    public int Id { get; set; }

    public string Code { get; set; } = "";

    public int Version { get; set; }

    public string StepsJson { get; set; } = "[]";

    public bool IsActive { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The approved change that made this version (ADR 0047); null for a shipped definition.</summary>
    public int? ChangeId { get; set; }

    public IReadOnlyList<ChainStep> Steps => JsonSerializer.Deserialize<List<ChainStep>>(StepsJson, JsonOptions) ?? [];

    /// <summary>The steps a request of this importance and these target sites must pass, in order.</summary>
    public IReadOnlyList<PlannedStep> Plan(Importance importance, IReadOnlyCollection<Site> sites, ContentKind kind = ContentKind.Text, bool severalDepartments = false) =>
        [.. Steps.Where(s => s.AppliesTo(importance, sites, kind, severalDepartments)).Select(s => new PlannedStep(s.Key, s.Role, s.Scope))];

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>
    /// The two shipped definitions. County (rules.md §2 第四章第一条 for the internal website, and
    /// 互联网发布信息保密管理制度 一、二 for the internet): 部门负责人 → 办公室主任 →
    /// [重要/重大, or any item for the internet: 分管领导] → [重大: 主要领导] (ADR 0045). Provincial (rules.md §1 第十条(二)1): 单位主管领导 →
    /// [重要: 上级(省)审批, recorded by the office director, see ADR 0004].
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ChainStep>> Shipped { get; } = new Dictionary<string, IReadOnlyList<ChainStep>>
    {
        [County] =
        [
            new("dept-head", Roles.DeptHead, StepScope.OwnDepartment),
            new("office-director", Roles.OfficeDirector, StepScope.Global),
            new("leader", Roles.Leader, StepScope.Global, Importance.Important, AlsoForSite: Site.External),
            new("principal", Roles.PrincipalLeader, StepScope.Global, Importance.Major),
        ],
        [Provincial] =
        [
            new("unit-leader", Roles.Leader, StepScope.Global),
            new(ProvincialApprovalStep, Roles.OfficeDirector, StepScope.Global, Importance.Important),
        ],
    };

    public static string Serialize(IEnumerable<ChainStep> steps) => JsonSerializer.Serialize(steps, JsonOptions);
}

/// <summary>How a step is named to people: its own name where it has one (上级审批), else its role's.</summary>
public static class StepLabels
{
    public static string Of(Microsoft.Extensions.Localization.IStringLocalizer L, string key, string role) =>
        L["Step." + key] is { ResourceNotFound: false } named ? named.Value : L["Role." + role].Value;
}

/// <summary>A step as planned for one request at submission (stored with the request).</summary>
public sealed record PlannedStep(string Key, string Role, StepScope Scope);
