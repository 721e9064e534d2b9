using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Web;

namespace InfoPortal.Features.Columns.Governance;

public sealed record ColumnChangeDto(
    int Id, string Kind, string Status, string Site, int? ColumnId, int? TargetColumnId, string? Name, int? ParentId, int? StaleAfterDays,
    int? ResponsibleDepartmentId, IReadOnlyList<LayoutSlot> Layout, string Reason, int ProposedById, string ProposedBy, DateTimeOffset ProposedAt,
    int? DecidedById, string? DecidedBy, string? DecidedByRole, DateTimeOffset? DecidedAt, string? Opinion, DateTimeOffset? AppliedAt, int? ResultColumnId, int Version)
{
    public static ColumnChangeDto From(ColumnChangeRequest c) => new(
        c.Id, c.Kind.ToString(), c.Status.ToString(), c.Site.ToString(), c.ColumnId, c.TargetColumnId, c.Name, c.ParentId, c.StaleAfterDays,
        c.ResponsibleDepartmentId, c.Layout, c.Reason, c.ProposedById, c.ProposedByName, c.ProposedAt,
        c.DecidedById, c.DecidedByName, c.DecidedByRole, c.DecidedAt, c.Opinion, c.AppliedAt, c.ResultColumnId, c.Version);
}

public sealed record ColumnChangeBody(
    ColumnChangeKind? Kind, Site? Site, string? Reason, int? ColumnId, int? TargetColumnId, string? Name, int? ParentId,
    int? StaleAfterDays, int? ResponsibleDepartmentId, IReadOnlyList<LayoutSlot>? Layout);

public sealed record ColumnChangeDecisionBody(string? Decision, string? Opinion, int? Version);

public sealed record ColumnChangeApplyBody(int? Version);

/// <summary>Column governance and the stale-column report under /api/v1/columns.</summary>
public static class ColumnsApi
{
    // The endpoints demand the roles the service checks again (the service is the rule, this is the door).

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapApiGroup();

        api.MapGet("/columns/changes", async (HttpContext http, ColumnChangeService changes, ColumnChangeStatus? status, int? after, int? limit, CancellationToken ct) =>
            TypedResults.Ok((await changes.ListAsync(http.GetActor(), status, after, limit ?? 50, ct)).Select(ColumnChangeDto.From)))
            .WithName("ListColumnChanges").RequireAuthorization(Permissions.Columns.ViewChanges);

        api.MapGet("/columns/changes/{id:int}", async (HttpContext http, ColumnChangeService changes, int id, CancellationToken ct) =>
            TypedResults.Ok(ColumnChangeDto.From(await changes.GetAsync(http.GetActor(), id, ct)))).WithName("GetColumnChange").RequireAuthorization(Permissions.Columns.ViewChanges);

        api.MapPost("/columns/changes", async (HttpContext http, ColumnChangeService changes, ColumnChangeBody body, CancellationToken ct) =>
        {
            if (body.Kind is not { } kind || body.Site is not { } site)
            {
                throw ValidationFailedException.For(body.Kind is null ? "kind" : "site", "ColumnChanges.KindInvalid");
            }

            var change = await changes.ProposeAsync(http.GetActor(), new ColumnChangeInput(
                kind, site, body.Reason, body.ColumnId, body.TargetColumnId, body.Name, body.ParentId, body.StaleAfterDays, body.ResponsibleDepartmentId, body.Layout), ct);
            return TypedResults.Created($"/api/v1/columns/changes/{change.Id}", ColumnChangeDto.From(change));
        }).WithName("ProposeColumnChange").RequireAuthorization(Permissions.Columns.ProposeChange);

        api.MapPost("/columns/changes/{id:int}/decision", async (HttpContext http, ColumnChangeService changes, int id, ColumnChangeDecisionBody body, CancellationToken ct) =>
        {
            var actor = http.GetActor();
            var change = body.Decision switch
            {
                "Approve" => await changes.ApproveAsync(actor, id, body.Opinion, body.Version, ct),
                "Reject" => await changes.RejectAsync(actor, id, body.Opinion, body.Version, ct),
                _ => throw ValidationFailedException.For("decision", "ColumnChanges.DecisionRequired"),
            };
            return TypedResults.Ok(ColumnChangeDto.From(change));
        }).WithName("DecideColumnChange").RequireAuthorization(Permissions.Columns.DecideChange);

        api.MapPost("/columns/changes/{id:int}/apply", async (HttpContext http, ColumnChangeService changes, int id, ColumnChangeApplyBody? body, CancellationToken ct) =>
            TypedResults.Ok(ColumnChangeDto.From(await changes.ApplyAsync(http.GetActor(), id, body?.Version, ct)))).WithName("ApplyColumnChange").RequireAuthorization(Permissions.Columns.ApplyChange);

        api.MapGet("/columns/stale", async (StaleColumnReport report, TimeProvider clock, CancellationToken ct) =>
            TypedResults.Ok(await report.GetAsync(clock.GetUtcNow(), ct))).WithName("StaleColumns");
    }
}
