using System.Text.Encodings.Web;
using System.Text.Unicode;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure.Localization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using MudBlazor.Services;

namespace InfoPortal.Infrastructure.Web;

/// <summary>The web host: Blazor, MudBlazor, data protection, forwarded headers, health, errors, headers.</summary>
public static class WebModule
{
    public static IServiceCollection AddPortalWeb(this IServiceCollection services, IConfiguration configuration, IWebHostEnvironment environment)
    {
        services.AddRazorComponents().AddInteractiveServerComponents(o => o.DetailedErrors = environment.IsDevelopment());
        services.AddMudServices();

        // Chinese as UTF-8 text, not &#x…; entities (2.7× smaller pages).
        services.AddSingleton(HtmlEncoder.Create(UnicodeRanges.All));

        // Keys in the database: sign-ins survive restarts and work across instances.
        // Encrypted at rest with the certificate from DataProtection:CertificatePath (a PFX, with
        // DataProtection:CertificatePassword): a database dump alone then signs nobody in (ADR 0027).
        var dataProtection = services.AddDataProtection().SetApplicationName("InfoPortal").PersistKeysToDbContext<PortalDbContext>();
        if (LoadKeyCertificate(configuration) is { } certificate)
        {
            dataProtection.ProtectKeysWithCertificate(certificate).UnprotectKeysWithAnyCertificate(certificate);
        }

        // Only the configured reverse proxies may say who the client is (issue 10 item 1). ASP.NET
        // Core believes X-Forwarded-For from anyone when both lists are empty, so with no trusted
        // proxy the middleware is not used at all (UsePortalPipeline) and the socket's address counts.
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            // Walk back through every trusted hop; the first address not a trusted proxy is the client.
            o.ForwardLimit = null;
            foreach (var proxy in TrustedProxies(configuration))
            {
                o.KnownIPNetworks.Add(NetworkRange.Parse(proxy));
            }
        });

        services.AddPortalAuthorization();
        services.AddSingleton<StartupWork>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database").AddCheck<StartupHealthCheck>("startup");
        return services;
    }

    /// <summary>The key-encryption certificate, or null when none is configured; a configured one that cannot be loaded stops the start.</summary>
    public static System.Security.Cryptography.X509Certificates.X509Certificate2? LoadKeyCertificate(IConfiguration configuration)
    {
        if (configuration["DataProtection:CertificatePath"] is not { Length: > 0 } path)
        {
            return null;
        }

        try
        {
            var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(path, configuration["DataProtection:CertificatePassword"]);
            return certificate.HasPrivateKey ? certificate : throw new InvalidOperationException($"DataProtection:CertificatePath '{path}' has no private key.");
        }
        catch (System.Security.Cryptography.CryptographicException ex)
        {
            throw new InvalidOperationException($"DataProtection:CertificatePath '{path}' cannot be loaded: {ex.Message}", ex);
        }
    }

    public static WebApplication UsePortalPipeline(this WebApplication app)
    {
        if (TrustedProxies(app.Configuration).Length > 0)
        {
            app.UseForwardedHeaders();
        }

        app.UseExceptionHandler("/error", createScopeForErrors: true);
        if (!app.Environment.IsDevelopment())
        {
            app.UseHsts();
        }

        app.UseSecurityHeaders();
        app.UseWhen(c => c.Request.Path.StartsWithSegments("/api"), api => api.UseStatusCodePages());
        app.UseWhen(c => !c.Request.Path.StartsWithSegments("/api"), ui => ui.UseStatusCodePagesWithReExecute("/error/{0}"));
        // Routing after the status-code pages, so a re-executed /error/{code} finds its page.
        app.UseRouting();
        app.UseRequestLocalization();
        app.UseAuthentication();
        app.UseAuthorization();
        // After authentication: the public-site policy stores and serves anonymous answers only.
        app.UseOutputCache();
        app.UseAntiforgery();
        return app;
    }

    /// <summary><c>Security:TrustedProxies</c>: addresses or CIDR networks of the reverse proxies in front of the app.</summary>
    public static string[] TrustedProxies(IConfiguration configuration) =>
        [.. (configuration.GetSection("Security:TrustedProxies").Get<string[]>() ?? []).Where(p => !string.IsNullOrWhiteSpace(p))];

    public static IEndpointRouteBuilder MapPortalWeb(this IEndpointRouteBuilder app)
    {
        // 200 "Healthy" (API.md); 503 "starting" with Retry-After while the work after the server
        // listens runs (StartupWork: the jobs' catch-up, the archive check), so a proxy or an
        // operator's poll waits for it; 503 "Unhealthy" when the database does not answer (ADR 0053).
        app.MapHealthChecks("/health", new Microsoft.AspNetCore.Diagnostics.HealthChecks.HealthCheckOptions
        {
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status503ServiceUnavailable,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = (http, report) =>
            {
                http.Response.ContentType = "text/plain; charset=utf-8";
                if (report.Status == HealthStatus.Degraded)
                {
                    http.Response.Headers.RetryAfter = "1";
                }

                return http.Response.WriteAsync(report.Status switch
                {
                    HealthStatus.Healthy => "Healthy",
                    HealthStatus.Degraded => "starting",
                    _ => "Unhealthy",
                });
            },
        }).AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapCultureSwitch();

        // An address nothing else answers is a 404 with the site's own page (the status-code pages
        // re-execute /error/404) — for visitors too, not a challenge and a trip to the staff sign-in.
        // GET and HEAD only: a fallback that takes every method also wins over a real endpoint that
        // routing set aside for its content type (a POST without JSON), answering 404 where the API
        // answers 401, 403 or 415.
        app.MapFallback(http =>
        {
            http.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }).WithMetadata(new HttpMethodMetadata([HttpMethods.Get, HttpMethods.Head])).AllowAnonymous();
        return app;
    }

    /// <summary>
    /// One pooled round trip. EF's CanConnectAsync on SQLite checks that the file exists by opening a
    /// fresh, unpooled native connection each time (sqlite3_open_v2, the collations, the pragmas):
    /// that made /health cost ~4.5 ms of CPU (ADR 0028).
    /// </summary>
    private sealed class DatabaseHealthCheck(IDbContextFactory<PortalDbContext> dbFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                await db.Database.ExecuteSqlRawAsync("SELECT 1", cancellationToken);
                return HealthCheckResult.Healthy();
            }
            catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException)
            {
                return HealthCheckResult.Unhealthy("The database does not answer.");
            }
        }
    }
}
