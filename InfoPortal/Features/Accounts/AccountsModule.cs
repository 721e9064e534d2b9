using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Web;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Accounts;

public static class AccountsModule
{
    public const string PortalScheme = "Portal";

    public static IServiceCollection AddAccounts(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section))
            .Validate(o => o.EffectiveOfficeNetworks.All(n => { OfficeNetworkPolicy.Parse(n); return true; }), "Security:OfficeNetworks holds an invalid CIDR range.")
            .Validate(o => o.TrustedProxies.All(n => { OfficeNetworkPolicy.Parse(n); return true; }), "Security:TrustedProxies holds an invalid address or CIDR range.")
            .ValidateOnStart();

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = PortalScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            // A request with a bearer token is an API caller (also on /files); anything else is a browser.
            .AddPolicyScheme(PortalScheme, PortalScheme, o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? BearerTokenHandler.SchemeName
                    : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, BearerTokenHandler>(BearerTokenHandler.SchemeName, null)
            .AddIdentityCookies();

        services.AddIdentityCore<AppUser>()
            .AddRoles<AppRole>()
            .AddEntityFrameworkStores<Data.PortalDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders()
            .AddClaimsPrincipalFactory<PortalClaimsFactory>()
            .AddPasswordValidator<PolicyPasswordValidator>()
            .AddErrorDescriber<PortalIdentityErrors>();

        services.AddOptions<IdentityOptions>().Configure<IOptions<SecurityOptions>>((identity, security) =>
        {
            var s = security.Value;
            // Our PasswordPolicy does the real checks (classes, user name); Identity's own only the length.
            identity.Password.RequiredLength = s.Password.MinLength;
            identity.Password.RequireDigit = false;
            identity.Password.RequireLowercase = false;
            identity.Password.RequireUppercase = false;
            identity.Password.RequireNonAlphanumeric = false;
            identity.Password.RequiredUniqueChars = 1;
            identity.Lockout.AllowedForNewUsers = true;
            identity.Lockout.MaxFailedAccessAttempts = s.Lockout.MaxFailedAttempts;
            identity.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(s.Lockout.LockoutMinutes);
            identity.User.RequireUniqueEmail = false;
            identity.SignIn.RequireConfirmedAccount = false;
        });

        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = "InfoPortal.Auth";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.LoginPath = "/account/login";
            o.LogoutPath = "/account/logout";
            o.AccessDeniedPath = "/error/403";
            // The server-side session decides idleness; the cookie only needs to outlive a working day.
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.Events.OnValidatePrincipal = CookieSessionValidator.ValidateAsync;
            o.Events.OnRedirectToAccessDenied = context =>
            {
                // Answer 403 in place; the status-code page explains it.
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return Task.CompletedTask;
            };
            o.Events.OnRedirectToLogin = context =>
            {
                if (context.Request.Path.StartsWithSegments("/api"))
                {
                    context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    return Task.CompletedTask;
                }

                context.Response.Redirect(context.RedirectUri);
                return Task.CompletedTask;
            };
        });

        // The system clock, whose "local" zone is the agency's (Jobs:TimeZone, ADR 0026): every
        // GetLocalNow() — today's date, deadlines — is the agency's day, not the server's.
        services.AddSingleton<TimeProvider>(sp => new AgencyTimeProvider(AgencyClock.ZoneFrom(sp.GetRequiredService<IConfiguration>())));
        services.AddSingleton(sp => new OfficeNetworkPolicy(sp.GetRequiredService<IOptions<SecurityOptions>>()));
        services.TryAddSingleton<Infrastructure.Limits.AttemptLimiter>();
        services.AddSingleton<SignInThrottle>();
        services.AddSingleton<SignInLockout>();
        services.AddSingleton<PasswordPolicy>();
        services.AddScoped<SessionService>();
        services.AddScoped<SignInService>();
        services.AddScoped<WebSignIn>();
        services.AddScoped<AccessTokenService>();
        services.AddScoped<AccountService>();
        services.AddScoped<DepartmentService>();
        services.AddScoped<ProfileService>();
        services.AddScoped<DemoSeeder>();

        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, SessionRevalidatingStateProvider>();
        services.AddScoped<CircuitHandler, SessionActivityCircuitHandler>();
        services.AddScoped<ClientContext>();
        services.AddScoped<CurrentActor>();
        services.AddScoped<InfoPortal.Components.Shared.BadgeRefresh>();
        return services;
    }

    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapPost("/account/logout", async (HttpContext http, WebSignIn signIn, IAntiforgery antiforgery) =>
        {
            // Checked here for every body type, not only forms: nobody signs a user out from another site.
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest();
            }

            await signIn.SignOutAsync(http);
            return Results.LocalRedirect("/account/login");
        }).DisableAntiforgery();

        Api.AccountsApi.Map(app);
        return app;
    }

}
