using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal.Features.Requests.Api;

public sealed record ChainDto(int Id, string Code, int Version, bool IsActive, DateTimeOffset CreatedAt, int? ChangeId, IReadOnlyList<ChainStep> Steps)
{
    public static ChainDto From(ReviewChain c) => new(c.Id, c.Code, c.Version, c.IsActive, c.CreatedAt, c.ChangeId, c.Steps);
}

public sealed record ChainChangeDto(
    int Id, string Code, int BaseVersion, string Status, IReadOnlyList<ChainStep> Steps, string Reason, string ProposedBy, DateTimeOffset ProposedAt,
    string? DecidedBy, DateTimeOffset? DecidedAt, string? Opinion, int Version)
{
    public static ChainChangeDto From(ChainChange c) => new(c.Id, c.Code, c.BaseVersion, c.Status.ToString(), c.Steps, c.Reason, c.ProposedByName, c.ProposedAt,
        c.DecidedByName, c.DecidedAt, c.Opinion, c.Version);
}

public sealed record ChainChangeBody(IReadOnlyList<ChainStep>? Steps, string? Reason);

public sealed record ChainChangeDecisionBody(string? Decision, string? Opinion, int? Version);

/// <summary>Review chains and their governed changes (ADR 0047).</summary>
public static class ChainsApi
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup();

        api.MapGet("/chains", async (HttpContext http, ReviewChainService chains, CancellationToken ct) =>
        {
            if (!ChainChange.CanSee(http.GetActor()))
            {
                throw new ForbiddenException("Chains.SeeForbidden");
            }

            return TypedResults.Ok((await chains.ListLatestAsync(ct)).Select(ChainDto.From));
        }).WithName("ListChains").RequireAuthorization(Permissions.Chains.View);

        api.MapGet("/chains/changes", async (HttpContext http, ChainChangeService changes, CancellationToken ct) =>
            TypedResults.Ok((await changes.ListAsync(http.GetActor(), ct)).Select(ChainChangeDto.From))).WithName("ListChainChanges").RequireAuthorization(Permissions.Chains.View);

        api.MapPost("/chains/{code}/changes", async (HttpContext http, ChainChangeService changes, string code, ChainChangeBody body, CancellationToken ct) =>
        {
            var change = await changes.ProposeAsync(http.GetActor(), code, body.Steps, body.Reason, ct);
            return TypedResults.Created($"/api/v1/chains/changes/{change.Id}", ChainChangeDto.From(change));
        }).WithName("ProposeChainChange").RequireAuthorization(Permissions.Chains.Propose);

        api.MapPost("/chains/changes/{id:int}/decision", async (HttpContext http, ChainChangeService changes, int id, ChainChangeDecisionBody body, CancellationToken ct) =>
        {
            var actor = http.GetActor();
            var change = body.Decision switch
            {
                "Approve" => await changes.ApproveAsync(actor, id, body.Opinion, body.Version, ct),
                "Reject" => await changes.RejectAsync(actor, id, body.Opinion, body.Version, ct),
                _ => throw ValidationFailedException.For("decision", "Chains.DecisionRequired"),
            };
            return TypedResults.Ok(ChainChangeDto.From(change));
        }).WithName("DecideChainChange").RequireAuthorization(Permissions.Chains.Decide);
    }
}
