using InfoPortal.Infrastructure.Jobs;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Web;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace InfoPortal.Features.Interaction;

/// <summary>The interaction column's services and endpoints (API.md: public messages, plus /api/v1/interaction for the back office).</summary>
public static class InteractionModule
{
    public static IServiceCollection AddInteraction(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<InteractionOptions>(configuration.GetSection(InteractionOptions.Section));
        services.TryAddSingleton<Infrastructure.Limits.AttemptLimiter>();
        services.AddScoped<SubmissionGuard>();
        services.AddScoped<InteractionService>();
        services.AddScoped<PublicInteractionService>();
        services.AddScoped<InteractionReminderJob>();
        services.AddScoped<InteractionStatistics>();
        services.AddPeriodicJob<InteractionReminderPeriodicJob>();
        return services;
    }

    public static IEndpointRouteBuilder MapInteraction(this IEndpointRouteBuilder app)
    {
        // The public endpoints: anonymous, rate-limited by the service. The page's form token and
        // honeypot protect a browser form; an API caller has no form to render (ADR 0017).
        var open = app.MapGroup("/api/v1/public").AllowAnonymous().WithTags("v1");
        open.MapPost("/messages", async (HttpContext http, PublicInteractionService interaction, PublicMessageBody body, CancellationToken ct) =>
        {
            var receipt = await interaction.SubmitAsync(body.ToInput(), http.GetActor().IpAddress, ct);
            return TypedResults.Created($"/api/v1/public/messages/{receipt.Ticket}", new { ticket = receipt.Ticket, code = receipt.Code });
        }).WithName("LeaveMessage").WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(64 * 1024));

        open.MapGet("/messages/{ticket}", async (HttpContext http, PublicInteractionService interaction, string ticket, string? code, CancellationToken ct) =>
        {
            var m = await interaction.LookupAsync(ticket, code, http.GetActor().IpAddress, ct);
            return TypedResults.Ok(new
            {
                ticket = m.Ticket, kind = m.Kind, subject = m.Subject, status = m.Status, receivedOn = m.ReceivedOn, deadline = m.DueOn,
                department = m.Department, reply = m.Reply, answeredAt = m.AnsweredAt,
            });
        }).WithName("LookUpMessage");

        var api = app.MapApiGroup().MapGroup("/interaction");
        api.MapGet("/messages", async (HttpContext http, InteractionService interaction, MessageQueueKind? queue, bool? overdue, int? after, int? limit, CancellationToken ct) =>
            TypedResults.Ok(await interaction.QueueAsync(http.GetActor(), queue ?? MessageQueueKind.All, overdue ?? false, after, limit ?? 50, ct)))
            .WithName("ListMessages");

        api.MapGet("/messages/{id:int}", async (HttpContext http, InteractionService interaction, int id, CancellationToken ct) =>
            TypedResults.Ok(MessageDetail.From(await interaction.GetAsync(http.GetActor(), id, ct), interaction.Today))).WithName("GetMessage");

        api.MapPost("/messages/{id:int}/assign", async (HttpContext http, InteractionService interaction, int id, AssignBody body, CancellationToken ct) =>
            Ok(await interaction.AssignAsync(http.GetActor(), id, body.DepartmentId ?? throw ValidationFailedException.For("departmentId", "Interaction.Error.UnknownDepartment"), body.Reason, ct), interaction))
            .WithName("AssignMessage");

        api.MapPost("/messages/{id:int}/extend", async (HttpContext http, InteractionService interaction, int id, ExtendBody body, CancellationToken ct) =>
            Ok(await interaction.ExtendAsync(http.GetActor(), id, body.WorkingDays ?? 0, body.Reason, ct), interaction)).WithName("ExtendMessage");

        api.MapPost("/messages/{id:int}/reply", async (HttpContext http, InteractionService interaction, int id, ReplyBody body, CancellationToken ct) =>
            Ok(await interaction.DraftReplyAsync(http.GetActor(), id, body.Text, ct), interaction)).WithName("DraftMessageReply");

        api.MapPost("/messages/{id:int}/decisions", async (HttpContext http, InteractionService interaction, int id, ReplyDecisionBody body, CancellationToken ct) =>
            Ok(await interaction.DecideAsync(http.GetActor(), id, body.Decision ?? throw ValidationFailedException.For("decision", "Review.DecisionRequired"), body.Opinion, body.Version, ct), interaction))
            .WithName("DecideMessageReply");

        api.MapPost("/messages/{id:int}/visibility", async (HttpContext http, InteractionService interaction, int id, VisibilityBody body, CancellationToken ct) =>
            Ok(await interaction.SetPublicAsync(http.GetActor(), id, body.IsPublic, body.Reason, ct), interaction)).WithName("SetMessageVisibility");

        api.MapGet("/statistics", async (HttpContext http, InteractionStatistics statistics, int year, int month, CancellationToken ct) =>
        {
            if (!http.GetActor().Has(Permissions.Interaction.ViewFigures))
            {
                throw new ForbiddenException("Interaction.Error.NotAllowed");
            }

            if (year is < 2000 or > 9999 || month is < 1 or > 12)
            {
                throw ValidationFailedException.For("month", "Interaction.Error.BadMonth");
            }

            return TypedResults.Ok(await statistics.MonthlyAsync(year, month, cancellationToken: ct));
        }).WithName("InteractionStatistics");
        return app;
    }

    private static Microsoft.AspNetCore.Http.HttpResults.Ok<MessageDetail> Ok(InteractionMessage message, InteractionService interaction) =>
        TypedResults.Ok(MessageDetail.From(message, interaction.Today));

    public sealed record PublicMessageBody(MessageKind? Kind, string? Subject, string? Text, string? Name, string? Contact, bool? Consent)
    {
        public MessageInput ToInput() => new(Kind, Subject, Text, Name, Contact, Consent ?? false);
    }

    public sealed record AssignBody(int? DepartmentId, string? Reason);

    public sealed record ExtendBody(int? WorkingDays, string? Reason);

    public sealed record ReplyBody(string? Text);

    public sealed record ReplyDecisionBody(DecisionOutcome? Decision, string? Opinion, int? Version);

    public sealed record VisibilityBody(bool IsPublic, string? Reason);
}

/// <summary>A message as the back office sees it (contact included; the office may call the sender back).</summary>
public sealed record MessageDetail(int Id, string Ticket, MessageKind Kind, string Subject, string Text, string? Name, string? Contact, MessageStatus Status,
    int? DepartmentId, DateTimeOffset ReceivedAt, DateOnly DueOn, bool Overdue, bool Flagged, bool HasPersonalData, bool IsPublic, string? HiddenReason,
    string? Reply, string? ReplyDraftedBy, string? ReplyApprovedBy, DateTimeOffset? AnsweredAt, int Version, IReadOnlyList<MessageEventDto> History)
{
    public static MessageDetail From(InteractionMessage m, DateOnly today) => new(m.Id, m.Ticket, m.Kind, m.Subject, m.Text, m.SenderName, m.Contact, m.Status,
        m.DepartmentId, m.ReceivedAt, m.DueOn, m.IsOverdue(today), m.Flagged, m.HasPersonalData, m.IsPublic, m.HiddenReason, m.ReplyText, m.ReplyDraftedByName,
        m.ReplyApprovedByName, m.AnsweredAt, m.Version, [.. m.Events.OrderBy(e => e.Id).Select(e => new MessageEventDto(e.At, e.ActorName, e.Action, e.DepartmentId, e.Detail))]);
}

public sealed record MessageEventDto(DateTimeOffset At, string Actor, string Action, int? DepartmentId, string? Detail);
