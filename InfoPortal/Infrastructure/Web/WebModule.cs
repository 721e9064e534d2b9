using System.Net;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
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

        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.KnownIPNetworks.Clear();
            o.KnownProxies.Clear();
            foreach (var proxy in configuration.GetSection("Security:TrustedProxies").Get<string[]>() ?? [])
            {
                o.KnownProxies.Add(IPAddress.Parse(proxy));
            }
        });

        services.AddPortalAuthorization();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
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
        app.UseForwardedHeaders();
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
        app.UseAntiforgery();
        return app;
    }

    public static IEndpointRouteBuilder MapPortalWeb(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapCultureSwitch();
        return app;
    }

    private sealed class DatabaseHealthCheck(IDbContextFactory<PortalDbContext> dbFactory) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            return await db.Database.CanConnectAsync(cancellationToken)
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy("The database does not answer.");
        }
    }
}
