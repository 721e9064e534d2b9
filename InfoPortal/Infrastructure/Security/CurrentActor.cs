using InfoPortal.Infrastructure.Web;
using Microsoft.AspNetCore.Components.Authorization;

namespace InfoPortal.Infrastructure.Security;

/// <summary>The acting user of a component, for calling services.</summary>
public sealed class CurrentActor(AuthenticationStateProvider authentication, ClientContext client)
{
    public async Task<Actor> GetAsync()
    {
        var state = await authentication.GetAuthenticationStateAsync();
        return Actor.FromPrincipal(state.User, client.IpAddress);
    }
}

public static class HttpContextActorExtensions
{
    public static Actor GetActor(this HttpContext http) =>
        Actor.FromPrincipal(http.User, http.Connection.RemoteIpAddress?.ToString());
}
