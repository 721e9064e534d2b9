using System.Globalization;
using System.Net;
using System.Text;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Tests.Features.Screening;
using InfoPortal.Tests.TestSupport;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Tests.Features.Accounts;

/// <summary>
/// The role → permission table (ADR 0058) is the one source: the app's policies are built from it, the
/// README prints it, the system administrator reads it, and it keeps the separation of duties.
/// </summary>
public sealed class PermissionTableTests
{
    /// <summary>What drafts, signs, publishes or changes the site: never the system or the audit administrator's (三权分立, ADR 0022).</summary>
    private static readonly string[] BusinessPermissions =
    [
        Permissions.Requests.Draft, Permissions.Review.Queue, Permissions.Publishing.Publish, Permissions.Publishing.TakeDown,
        Permissions.Chains.Propose, Permissions.Chains.Decide, Permissions.Columns.Manage, Permissions.Columns.ProposeChange,
        Permissions.Columns.DecideChange, Permissions.Columns.ApplyChange, Permissions.Interaction.Route, Permissions.Interaction.Reply,
        Permissions.Interaction.ApproveReply, Permissions.Statistics.Adjust, Permissions.Statistics.MarkUsed, Permissions.Monitoring.Handle,
        Permissions.Screening.EditLists,
    ];

    [Fact]
    public void The_table_names_each_permission_once_with_known_roles()
    {
        Assert.Equal(Permissions.All.Count, Permissions.All.Distinct(StringComparer.Ordinal).Count());
        Assert.All(Permissions.Grants, g => Assert.NotEmpty(g.Roles));
        Assert.All(Permissions.Grants.SelectMany(g => g.Roles), r => Assert.True(Roles.IsKnown(r), r));
        Assert.Throws<ArgumentException>(() => Permissions.RolesWith("No.Such"));
    }

    [Fact]
    public void An_unknown_permission_is_granted_to_nobody()
    {
        var everyone = new Actor(1, "x", "x", 1, Roles.All.ToHashSet(), null);

        Assert.False(everyone.Has("No.Such"));
        Assert.True(everyone.Has(Permissions.Requests.Draft));
        Assert.False(Actor.Anonymous(null).Has(Permissions.Requests.Read));
    }

    [Fact]
    public void The_system_and_audit_administrators_hold_no_business_permission()
    {
        foreach (var role in new[] { Roles.SystemAdmin, Roles.AuditAdmin })
        {
            var admin = new Actor(1, "admin", "admin", 1, new HashSet<string> { role }, null);
            var held = BusinessPermissions.Where(admin.Has).ToList();
            Assert.True(held.Count == 0, $"{role} holds {string.Join(", ", held)}");
        }
    }

    [Fact]
    public async Task The_apps_policies_are_the_tables_roles()
    {
        await using var app = new PortalFactory();
        var policies = app.Services.GetRequiredService<IAuthorizationPolicyProvider>();

        foreach (var (permission, granting) in Permissions.Grants)
        {
            var policy = await policies.GetPolicyAsync(permission);
            Assert.NotNull(policy);
            var roles = Assert.Single(policy.Requirements.OfType<RolesAuthorizationRequirement>()).AllowedRoles;
            Assert.Equal(granting.Order(StringComparer.Ordinal), roles.Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("zh-CN")]
    [InlineData("en-US")]
    public async Task Every_permission_has_a_name_in_both_languages(string culture)
    {
        await using var app = new PortalFactory();
        var L = app.Services.GetRequiredService<IStringLocalizer<SharedResource>>();
        var previous = CultureInfo.CurrentUICulture;
        CultureInfo.CurrentUICulture = new CultureInfo(culture);
        try
        {
            var missing = Permissions.All.Where(p => L["Permission." + p].ResourceNotFound).ToList();
            Assert.Empty(missing);
            var names = Permissions.All.Select(p => L["Permission." + p].Value).ToList();
            Assert.Equal(names.Count, names.Distinct().Count());
        }
        finally
        {
            CultureInfo.CurrentUICulture = previous;
        }
    }

    [Fact]
    public void The_readme_prints_the_table()
    {
        var readme = File.ReadAllText(Path.Combine(ScreeningFixtures.RepositoryRoot(), "README.md"));

        Assert.Contains(Markdown(), readme, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_system_administrator_reads_the_table_and_nobody_else_does()
    {
        await using var app = new PortalFactory();
        using var admin = app.CreatePortalClient();
        await admin.SignInAsync("sysadmin");
        var page = await admin.GetStringAsync("/admin/permissions");

        Assert.Contains("data-test=\"permission-table\"", page, StringComparison.Ordinal);
        Assert.Contains("起草、提交本人的网上发布信息申请表", page, StringComparison.Ordinal);
        Assert.Contains(Permissions.Audit.Read, page, StringComparison.Ordinal);
        // One row per permission, one ✓ per grant.
        Assert.Equal(Permissions.Grants.Sum(g => g.Roles.Length), page.Split("<span aria-hidden=\"true\">✓</span>").Length - 1);

        using var officer = app.CreatePortalClient();
        await officer.SignInAsync("officer");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/admin/permissions")).StatusCode);
    }

    /// <summary>The README's matrix, generated from the table (update the README from a failure's expected text).</summary>
    internal static string Markdown()
    {
        var text = new StringBuilder();
        text.Append("| permission |");
        foreach (var role in Roles.All)
        {
            text.Append(' ').Append(role).Append(" |");
        }

        text.Append('\n').Append("|---|").Append(string.Concat(Roles.All.Select(_ => "---|"))).Append('\n');
        foreach (var (permission, granting) in Permissions.Grants)
        {
            text.Append("| `").Append(permission).Append("` |");
            foreach (var role in Roles.All)
            {
                text.Append(granting.Contains(role) ? " ✓ |" : "  |");
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
