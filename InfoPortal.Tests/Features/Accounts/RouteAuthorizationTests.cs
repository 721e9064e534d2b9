using System.Net;
using System.Text.RegularExpressions;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Tests.TestSupport;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InfoPortal.Tests.Features.Accounts;

/// <summary>
/// The permission matrix: every route the app maps (every page and every API endpoint) × every role
/// (and nobody). A role the route's permission is not granted to gets 403, nobody gets 401 (API) or the
/// sign-in page (pages), and a role it is granted to gets in. The expectation comes from the role →
/// permission table; the routes from the app's own endpoint list, so a new page or endpoint joins it
/// by default.
/// </summary>
public sealed partial class RouteAuthorizationTests(RouteAuthorizationTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<RouteAuthorizationTests.Fixture>
{
    /// <summary>One demo account per role.</summary>
    public static readonly IReadOnlyDictionary<string, string> UserForRole = new Dictionary<string, string>
    {
        [Roles.Officer] = "officer",
        [Roles.DeptHead] = "depthead",
        [Roles.OfficeDirector] = "director",
        [Roles.Leader] = "leader",
        [Roles.PrincipalLeader] = "principal",
        [Roles.Publisher] = "publisher",
        [Roles.SecrecyOfficer] = "secrecy",
        [Roles.Assessor] = "assessor",
        [Roles.SystemAdmin] = "sysadmin",
        [Roles.AuditAdmin] = "auditor",
    };

    public sealed class Fixture : PortalFactory, IAsyncLifetime
    {
        public Dictionary<string, HttpClient> Cookies { get; } = [];

        public Dictionary<string, HttpClient> Bearers { get; } = [];

        public async Task InitializeAsync()
        {
            foreach (var (role, user) in UserForRole)
            {
                var cookie = CreatePortalClient();
                await cookie.SignInAsync(user);
                Cookies[role] = cookie;
                // A personal (integration) token: a second sign-in at the token endpoint would end
                // the cookie's session, one session per account (ADR 0022).
                var bearer = CreatePortalClient();
                bearer.WithBearer(await PersonalTokenAsync(user));
                Bearers[role] = bearer;
            }
        }

        private async Task<string> PersonalTokenAsync(string userName)
        {
            await using var db = CreateDbContext();
            var user = await db.Users.AsNoTracking().SingleAsync(u => u.UserName == userName);
            var actor = new Actor(user.Id, userName, user.DisplayName, user.DepartmentId, new HashSet<string>(), "127.0.0.1");
            await using var scope = Services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<AccessTokenService>().CreatePersonalTokenAsync(actor, "route table", 1)).Secret;
        }

        Task IAsyncLifetime.DisposeAsync() => Task.CompletedTask;
    }

    private sealed record Route(string Method, string Path, IReadOnlyList<string>? Roles, bool IsApi);

    private IReadOnlyList<Route> ProtectedRoutes()
    {
        var routes = new List<Route>();
        foreach (var endpoint in fixture.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? "").TrimStart('/');
            if (pattern.StartsWith("/_", StringComparison.Ordinal) || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                continue;
            }

            // A parameter constrained to a file name ({**path:file}) matches only a path with an
            // extension; "/1" would reach the site's 404 fallback instead of this endpoint.
            var path = RouteParameter().Replace(pattern.Replace(":file}", ":file}.txt", StringComparison.Ordinal), "1");
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            var method = methods.Contains("GET") || methods.Count == 0 ? "GET" : methods[0];
            routes.Add(new Route(method, path, RequiredRoles(endpoint), pattern.StartsWith("/api/", StringComparison.Ordinal)));
        }

        return [.. routes.DistinctBy(r => (r.Method, r.Path))];
    }

    /// <summary>
    /// The roles an endpoint lets in, from the permission it names and the role → permission table
    /// (<see cref="Permissions.Grants"/>, ADR 0058), or from [Authorize(Roles)] and inline role policies
    /// where one is left; null when any signed-in user will do. An unknown permission name fails here.
    /// </summary>
    private static List<string>? RequiredRoles(Endpoint endpoint)
    {
        var sets = new List<IEnumerable<string>>();
        sets.AddRange(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Where(a => !string.IsNullOrEmpty(a.Policy)).Select(a => Permissions.RolesWith(a.Policy!)));
        sets.AddRange(endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Where(a => !string.IsNullOrEmpty(a.Roles)).Select(a => a.Roles!.Split(',').Select(r => r.Trim())));
        sets.AddRange(endpoint.Metadata.GetOrderedMetadata<AuthorizationPolicy>().SelectMany(p => p.Requirements.OfType<RolesAuthorizationRequirement>()).Select(r => r.AllowedRoles));
        if (sets.Count == 0)
        {
            return null;
        }

        // Every set must be satisfied: the allowed roles are their intersection.
        return [.. sets.Aggregate((acc, s) => acc.Intersect(s))];
    }

    [Fact]
    public async Task EveryRoute_ForEveryRole_AllowsExactlyItsRoles()
    {
        var routes = ProtectedRoutes();
        Assert.Contains(routes, r => r.Path == "/admin/users");
        Assert.Contains(routes, r => r.Path == "/audit");
        Assert.Contains(routes, r => r.Path == "/api/v1/me");
        Assert.True(routes.Count >= 10, $"only {routes.Count} protected routes found");

        var failures = new List<string>();
        var checkedCount = 0;
        foreach (var route in routes)
        {
            // Nobody signed in.
            using (var anonymous = fixture.CreatePortalClient())
            {
                var response = await anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), route.Path));
                var ok = route.IsApi
                    ? response.StatusCode == HttpStatusCode.Unauthorized
                    : response.StatusCode == HttpStatusCode.Redirect && PathOf(response) == "/account/login";
                if (!ok) failures.Add($"anonymous {route.Method} {route.Path}: {(int)response.StatusCode} {response.Headers.Location}");
                checkedCount++;
            }

            foreach (var role in UserForRole.Keys)
            {
                var client = route.IsApi ? fixture.Bearers[role] : fixture.Cookies[role];
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(route.Method), route.Path));
                var allowed = route.Roles is null || route.Roles.Contains(role);
                var status = response.StatusCode;
                var ok = allowed
                    ? status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden) && !(status == HttpStatusCode.Redirect && PathOf(response) == "/account/login")
                    : status == HttpStatusCode.Forbidden;
                if (!ok) failures.Add($"{role} {route.Method} {route.Path}: {(int)status} (allowed: {allowed})");
                checkedCount++;
            }
        }

        output.WriteLine($"{routes.Count} routes × {UserForRole.Count + 1} callers = {checkedCount} checks");
        Assert.Empty(failures);
    }

    private static string? PathOf(HttpResponseMessage response) =>
        response.Headers.Location is { } location ? new Uri(new Uri("http://localhost"), location).AbsolutePath : null;

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
