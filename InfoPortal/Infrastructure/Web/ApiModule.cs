using InfoPortal.Features.Accounts;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Infrastructure.Web;

/// <summary>
/// The HTTP API's plumbing: the <c>/api/v1</c> group (bearer tokens), RFC 7807 errors in the
/// caller's language with a stable <c>code</c>, the domain exceptions mapped to status codes,
/// and the OpenAPI document at <c>/openapi/v1.json</c>.
/// </summary>
public static class ApiModule
{
    public static IServiceCollection AddPortalApi(this IServiceCollection services)
    {
        services.AddOpenApi("v1");
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var L = context.HttpContext.RequestServices.GetRequiredService<IStringLocalizer<SharedResource>>();
            if (problem.Status is { } status && !problem.Extensions.ContainsKey("code"))
            {
                problem.Extensions["code"] = DefaultCode(status);
                var title = L["Problem." + status];
                if (!title.ResourceNotFound)
                {
                    problem.Title = title;
                }
            }

            // Never a stack trace or exception text to callers.
            problem.Extensions.Remove("exception");
        });
        services.AddExceptionHandler<DomainExceptionHandler>();
        return services;
    }

    /// <summary>The <c>/api/v1</c> group: bearer tokens only, errors as problem+json.</summary>
    public static RouteGroupBuilder MapApiGroup(this IEndpointRouteBuilder app) =>
        app.MapGroup("/api/v1")
            .RequireAuthorization(p => p.AddAuthenticationSchemes(BearerTokenHandler.SchemeName).RequireAuthenticatedUser())
            .WithTags("v1");

    public static string DefaultCode(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        409 => "conflict",
        413 => "too_large",
        415 => "unsupported_media_type",
        422 => "blocked_by_screening",
        429 => "too_many_attempts",
        _ => "error",
    };

    public static ProblemHttpResult Problem(int status, string code, string title, string? detail = null, IDictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Title = title, Detail = detail, Type = $"https://infoportal.local/problems/{code}" };
        problem.Extensions["code"] = code;
        if (extensions is not null)
        {
            foreach (var (key, value) in extensions)
            {
                problem.Extensions[key] = value;
            }
        }

        return TypedResults.Problem(problem);
    }

    /// <summary>Maps the services' domain exceptions to problem+json for API callers.</summary>
    private sealed class DomainExceptionHandler(IProblemDetailsService problems, IStringLocalizer<SharedResource> L) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
        {
            if (!http.Request.Path.StartsWithSegments("/api"))
            {
                return false;
            }

            var (status, code) = exception switch
            {
                ValidationFailedException => (400, "validation_failed"),
                ForbiddenException => (403, "forbidden"),
                NotFoundException => (404, "not_found"),
                ConflictException => (409, "conflict"),
                BadHttpRequestException bad => (bad.StatusCode, DefaultCode(bad.StatusCode)),
                _ => (500, "error"),
            };
            var problem = new ProblemDetails
            {
                Status = status,
                Title = L["Problem." + status],
                Detail = status == 500 ? L["Problem.Unexpected"] : exception.Message,
                Type = $"https://infoportal.local/problems/{code}",
            };
            problem.Extensions["code"] = code;
            if (exception is ValidationFailedException validation)
            {
                problem.Extensions["errors"] = validation.Errors;
            }

            http.Response.StatusCode = status;
            return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, ProblemDetails = problem, Exception = exception });
        }
    }
}
