using System.Text.Json;
using InfoPortal.Features.Accounts;
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

/// <summary>One step of a chain definition: who signs, and when the step applies.</summary>
public sealed record ChainStep(string Key, string Role, StepScope Scope, Importance MinImportance = Importance.Normal, Site? OnlyForSite = null)
{
    public bool AppliesTo(Importance importance, IReadOnlyCollection<Site> sites) =>
        importance >= MinImportance && (OnlyForSite is null || sites.Contains(OnlyForSite.Value));
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

    public int Id { get; set; }

    public string Code { get; set; } = "";

    public int Version { get; set; }

    public string StepsJson { get; set; } = "[]";

    public bool IsActive { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public IReadOnlyList<ChainStep> Steps => JsonSerializer.Deserialize<List<ChainStep>>(StepsJson, JsonOptions) ?? [];

    /// <summary>The steps a request of this importance and these target sites must pass, in order.</summary>
    public IReadOnlyList<PlannedStep> Plan(Importance importance, IReadOnlyCollection<Site> sites) =>
        [.. Steps.Where(s => s.AppliesTo(importance, sites)).Select(s => new PlannedStep(s.Key, s.Role, s.Scope))];

    internal static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    /// <summary>
    /// The two shipped definitions. County (rules.md §2 第四章第一条): 部门负责人 → 办公室主任 →
    /// [重要/重大: 分管领导] → [重大: 主要领导]. Provincial (rules.md §1 第十条(二)1): 单位主管领导 →
    /// [重要: 上级(省)审批, recorded by the office director, see ADR 0004].
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<ChainStep>> Shipped { get; } = new Dictionary<string, IReadOnlyList<ChainStep>>
    {
        [County] =
        [
            new("dept-head", Roles.DeptHead, StepScope.OwnDepartment),
            new("office-director", Roles.OfficeDirector, StepScope.Global),
            new("leader", Roles.Leader, StepScope.Global, Importance.Important),
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
