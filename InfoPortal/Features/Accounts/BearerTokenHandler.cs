using InfoPortal.Infrastructure.Security;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Accounts;

/// <summary>
/// Authenticates <c>Authorization: Bearer ipt_…</c> against the access-token table. The sign-in
/// rules hold on every call, not only when the token was issued: a token presented from outside
/// the office networks is refused with 403 (rules.md §1 第十五条), and a token ended by a newer
/// sign-in of its account (one session per account) no longer resolves.
/// </summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessTokenService tokens,
    OfficeNetworkPolicy networks,
    IStringLocalizer<SharedResource> L,
    UserManager<AppUser> users)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "Bearer";

    private bool _networkRefused;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        if (!networks.IsAllowed(Context.Connection.RemoteIpAddress))
        {
            // Checked before the token is looked up, so a refused caller learns nothing about it.
            _networkRefused = true;
            Logger.LogWarning("A bearer token was presented from {Address}, outside the office networks", Context.Connection.RemoteIpAddress);
            return AuthenticateResult.Fail("The address is outside the office networks.");
        }

        var resolved = await tokens.ResolveAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (resolved is not { } found)
        {
            return AuthenticateResult.Fail("Invalid or expired token.");
        }

        var user = found.User;
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.UserName ?? ""),
            new(Actor.DepartmentClaim, user.DepartmentId.ToString(CultureInfo.InvariantCulture)),
            new(Actor.DisplayNameClaim, user.DisplayName),
        };
        claims.AddRange((await users.GetRolesAsync(user)).Select(r => new Claim(ClaimTypes.Role, r)));
        var identity = new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        if (_networkRefused)
        {
            Response.StatusCode = StatusCodes.Status403Forbidden;
            await Infrastructure.Web.ApiModule.Problem(403, "network_refused", L["Problem.403"], L["SignIn.NetworkRefused"]).ExecuteAsync(Context);
            return;
        }

        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
    }
}
