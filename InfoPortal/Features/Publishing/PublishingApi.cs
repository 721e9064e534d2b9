using InfoPortal.Features.Requests;
using InfoPortal.Features.Requests.Api;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal.Features.Publishing;

/// <summary>The publishing endpoints of API.md: publish (now or at a time) and take down. Same services as the pages.</summary>
public static class PublishingApi
{
    public static IEndpointRouteBuilder MapPublishing(this IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup();

        api.MapPost("/requests/{id:int}/publish", async (HttpContext http, PublishingService publishing, int id, PublishBody? body, CancellationToken ct) =>
            RequestsApi.Status(await publishing.PublishAsync(http.GetActor(), id, body?.At, body?.ColumnIds, ct))).WithName("PublishRequest");

        api.MapPost("/requests/{id:int}/takedown", async (HttpContext http, PublishingService publishing, RequestService requests, int id, TakedownBody body, CancellationToken ct) =>
        {
            var actor = http.GetActor();
            await publishing.TakeDownAsync(actor, id, body.Reason ?? "", ct);
            return RequestsApi.Status(await requests.GetAsync(actor, id, ct));
        }).WithName("TakeDownRequest");

        return app;
    }
}
