using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
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
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            // A status the framework set (415 for a body that is not JSON, 404, 405) is written by the
            // status-code pages outside UseRequestLocalization.
            RestoreRequestCulture(context.HttpContext);

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

            // Every problem carries a sentence a person can read, in the request's language (issue 11).
            if (string.IsNullOrWhiteSpace(problem.Detail) && problem.Status is { } code)
            {
                problem.Detail = StatusDetail(L, code);
            }

            // Never a stack trace or exception text to callers.
            problem.Extensions.Remove("exception");
        });
        services.AddExceptionHandler<DomainExceptionHandler>();
        // A body the endpoint cannot bind (not JSON, a wrong type, an unknown enum value) throws, in
        // every environment, so DomainExceptionHandler names the field. The framework throws only in
        // Development by default; elsewhere it answered a bare 400 with the generic sentence.
        services.PostConfigure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
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

    /// <summary>
    /// Problems written outside UseRequestLocalization (the exception handler, the status-code pages)
    /// run after its culture has ended with the request's async flow: take the request's culture back
    /// from its feature, or every problem would be in zh-CN whatever the caller's Accept-Language.
    /// </summary>
    private static void RestoreRequestCulture(HttpContext http)
    {
        if (http.Features.Get<Microsoft.AspNetCore.Localization.IRequestCultureFeature>()?.RequestCulture is { } requestCulture)
        {
            System.Globalization.CultureInfo.CurrentCulture = requestCulture.Culture;
            System.Globalization.CultureInfo.CurrentUICulture = requestCulture.UICulture;
        }
    }

    /// <summary>The sentence for a status when nothing more precise is known.</summary>
    private static string StatusDetail(IStringLocalizer<SharedResource> L, int status)
    {
        var detail = L["Problem.Detail." + status];
        return detail.ResourceNotFound ? L["Problem.Detail.Other"].Value : detail.Value;
    }

    /// <summary>
    /// The body field a JSON binding failure is about ("kind", "columnIds[0]"), from the reader's
    /// path; null when the body as a whole is at fault (empty, not JSON, cut off at its start).
    /// </summary>
    internal static string? BadField(Exception exception)
    {
        // The binder's failures and an endpoint's own body read (both 400 in DomainExceptionHandler); an exception that
        // merely wraps a JsonException (a service's) is the portal's fault, and names no field of the caller's.
        var json = exception switch
        {
            System.Text.Json.JsonException direct => direct,
            BadHttpRequestException { InnerException: System.Text.Json.JsonException inner } => inner,
            _ => null,
        };
        var path = json?.Path;
        return path is null || !path.StartsWith("$.", StringComparison.Ordinal) || path.Length <= 2 ? null : path[2..];
    }

    /// <summary>Maps the services' domain exceptions to problem+json for API callers.</summary>
    private sealed class DomainExceptionHandler(IStringLocalizer<SharedResource> L) : IExceptionHandler
    {
        public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
        {
            // By now the middleware has pointed the request at the error page: ask for the original path.
            var path = http.Features.Get<IExceptionHandlerFeature>()?.Path ?? http.Request.Path.Value;
            if (path is null || !path.StartsWith("/api/", StringComparison.Ordinal))
            {
                return false;
            }

            // The exception handler runs outside UseRequestLocalization too.
            RestoreRequestCulture(http);

            var (status, code) = exception switch
            {
                PortalException { Problem: { } named } => named,
                ValidationFailedException => (400, "validation_failed"),
                ForbiddenException => (403, "forbidden"),
                NotFoundException => (404, "not_found"),
                ConflictException conflict => (409, conflict.Code),
                BadHttpRequestException bad => (bad.StatusCode, DefaultCode(bad.StatusCode)),
                System.Text.Json.JsonException => (400, "bad_request"),
                _ => (500, "error"),
            };
            var problem = new ProblemDetails
            {
                Status = status,
                Title = L["Problem." + status],
                Detail = exception switch
                {
                    PortalException portal => portal.Localize(L),
                    _ when BadField(exception) is { } name => L["Problem.BadRequestField", name],
                    System.Text.Json.JsonException or BadHttpRequestException { InnerException: System.Text.Json.JsonException } => L["Problem.BadRequestBody"],
                    // A query or route value that does not parse, a missing parameter, a body too large:
                    // the status's own sentence, not one about JSON.
                    BadHttpRequestException => StatusDetail(L, status),
                    _ when status == 500 => L["Problem.Unexpected"],
                    _ => exception.Message,
                },
                Type = $"https://infoportal.local/problems/{code}",
            };
            problem.Extensions["code"] = code;
            if (BadField(exception) is { } badField)
            {
                problem.Extensions["field"] = badField;
            }

            if (exception is ValidationFailedException validation)
            {
                problem.Extensions["errors"] = validation.LocalizedErrors(L);
            }

            if (exception is PortalException withExtensions)
            {
                foreach (var (name, value) in withExtensions.ProblemExtensions)
                {
                    problem.Extensions[name] = value;
                }
            }

            http.Response.StatusCode = status;
            await TypedResults.Problem(problem).ExecuteAsync(http);
            return true;
        }
    }
}
