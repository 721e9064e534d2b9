using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure.Web;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Accounts.Api;

/// <summary><c>POST /api/v1/auth/token</c>, <c>GET /api/v1/me</c>, <c>GET /api/v1/departments</c>.</summary>
public static class AccountsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup();
        app.MapPost("/api/v1/auth/token", IssueTokenAsync).AllowAnonymous().WithTags("v1").WithName("IssueToken");
        api.MapGet("/me", GetMeAsync).WithName("GetMe");
        api.MapGet("/departments", async (DepartmentService departments, CancellationToken ct) =>
            TypedResults.Ok((await departments.ListAsync(cancellationToken: ct)).Select(d => new DepartmentDto(d.Id, d.Name, d.HeadUserId, d.HeadName))))
            .WithName("ListDepartments");
    }

    public sealed record TokenRequest(string? UserName, string? Password, string? Otp);

    public sealed record TokenResponse(string Token, DateTimeOffset ExpiresAt);

    public sealed record MeResponse(int Id, string UserName, string DisplayName, string Department, int DepartmentId, IReadOnlyList<string> Roles);

    public sealed record DepartmentDto(int Id, string Name, int? HeadUserId, string? HeadName);

    private static async Task<Results<Ok<TokenResponse>, ProblemHttpResult>> IssueTokenAsync(
        TokenRequest request, HttpContext http, SignInService signIn, AccessTokenService tokens, IStringLocalizer<SharedResource> L, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.UserName) || string.IsNullOrEmpty(request.Password))
        {
            return ApiModule.Problem(400, "validation_failed", L["Problem.400"], L["SignIn.Required"],
                new Dictionary<string, object?> { ["errors"] = new Dictionary<string, string[]> { ["userName"] = [L["SignIn.Required"]] } });
        }

        var outcome = await signIn.CheckAsync(new SignInAttempt(request.UserName, request.Password, http.Connection.RemoteIpAddress, http.Request.Headers.UserAgent, request.Otp), ct);
        if (outcome.Status == SignInStatus.LockedOut && outcome.LockoutEnd is { } until)
        {
            http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling((until - DateTimeOffset.UtcNow).TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return outcome.Status switch
        {
            SignInStatus.Succeeded => TypedResults.Ok(await IssueAsync(outcome.User!, http, tokens, signIn, ct)),
            SignInStatus.NetworkRefused => ApiModule.Problem(403, "network_refused", L["Problem.403"], L["SignIn.NetworkRefused"]),
            SignInStatus.TooManyAttempts => ApiModule.Problem(429, "too_many_attempts", L["Problem.429"], L["SignIn.TooManyAttempts"]),
            SignInStatus.LockedOut => ApiModule.Problem(429, "locked_out", L["Problem.429"], L["SignIn.LockedOut", Minutes(outcome.LockoutEnd)]),
            SignInStatus.Disabled => ApiModule.Problem(403, "account_disabled", L["Problem.403"], L["SignIn.Disabled"]),
            SignInStatus.PasswordExpired => ApiModule.Problem(403, "password_expired", L["Problem.403"], L["SignIn.PasswordExpired"]),
            SignInStatus.RequiresTwoFactor => ApiModule.Problem(401, "two_factor_required", L["Problem.401"], L["SignIn.TwoFactorRequired"]),
            SignInStatus.InvalidTwoFactorCode => ApiModule.Problem(401, "invalid_two_factor_code", L["Problem.401"], L["TwoFactor.CodeInvalid"]),
            _ => ApiModule.Problem(401, "invalid_credentials", L["Problem.401"], L["SignIn.Invalid"]),
        };
    }

    private static async Task<TokenResponse> IssueAsync(AppUser user, HttpContext http, AccessTokenService tokens, SignInService signIn, CancellationToken ct)
    {
        var issued = await tokens.IssueSessionTokenAsync(user, http.Connection.RemoteIpAddress?.ToString(), ct);
        await signIn.AuditSuccessAsync(user, http.Connection.RemoteIpAddress?.ToString(), $"api; token:{issued.Id}", ct);
        return new TokenResponse(issued.Secret, issued.ExpiresAt);
    }

    internal static int Minutes(DateTimeOffset? until) =>
        until is { } u ? Math.Max(1, (int)Math.Ceiling((u - DateTimeOffset.UtcNow).TotalMinutes)) : 1;

    private static async Task<Results<Ok<MeResponse>, NotFound>> GetMeAsync(HttpContext http, ProfileService profiles, DepartmentService departments, CancellationToken ct)
    {
        var actor = http.GetActor();
        var user = await profiles.GetAsync(actor);
        var department = await departments.GetNameAsync(user.DepartmentId, ct);
        return TypedResults.Ok(new MeResponse(user.Id, user.UserName ?? "", user.DisplayName, department ?? "", user.DepartmentId, [.. actor.Roles.OrderBy(r => r, StringComparer.Ordinal)]));
    }
}
