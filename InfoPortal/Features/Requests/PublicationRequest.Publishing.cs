using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Columns;
using InfoPortal.Infrastructure;

namespace InfoPortal.Features.Requests;

/// <summary>The publishing transitions of the request: publish, the intranet shortcut, schedule, take down.</summary>
public sealed partial class PublicationRequest
{
    /// <summary>Approved → Published in the given columns, now.</summary>
    public void Publish(Actor publisher, IReadOnlyList<Column> columns, DateTimeOffset now)
    {
        EnsurePublisher(publisher);
        if (Status == RequestStatus.Published)
        {
            // rules.md §2 第四章第二条: what passed review for the external site goes to the intranet without another review.
            if (columns.Count == 0 || columns.Any(c => c.Site != Site.Internal))
            {
                throw new ConflictException("Requests.Error.OnlyInternalShortcut");
            }

            if (Publications.All(p => p.Site != Site.External || p.TakenDownAt is not null))
            {
                throw new ConflictException("Requests.Error.ShortcutNeedsExternal");
            }
        }
        else
        {
            EnsureStatus("publish", RequestStatus.Approved, RequestStatus.Scheduled);
            EnsureApprovedColumns(columns.Select(c => c.Id));
        }

        foreach (var column in columns.Where(c => Publications.All(p => p.ColumnId != c.Id || p.TakenDownAt is not null)))
        {
            _publications.Add(new Publication { ColumnId = column.Id, Site = column.Site, PublishedAt = now, ContentVersion = ContentVersion });
        }

        Status = RequestStatus.Published;
        PublishedAt ??= now;
        ScheduledFor = null;
        Touch(now);
    }

    /// <summary>Approved → Scheduled: the scheduled-publishing job publishes it at <paramref name="at"/>.</summary>
    public void Schedule(Actor publisher, DateTimeOffset at, DateTimeOffset now)
    {
        EnsurePublisher(publisher);
        EnsureStatus("schedule", RequestStatus.Approved, RequestStatus.Scheduled);
        if (at <= now)
        {
            throw ValidationFailedException.For("at", "Requests.Error.ScheduleInPast");
        }

        Status = RequestStatus.Scheduled;
        ScheduledFor = at;
        Touch(now);
    }

    /// <summary>Scheduled → Approved: the scheduled publication was stopped (screening found a block at publish time).</summary>
    public void CancelSchedule(DateTimeOffset now)
    {
        EnsureStatus("unschedule", RequestStatus.Scheduled);
        Status = RequestStatus.Approved;
        ScheduledFor = null;
        Touch(now);
    }

    /// <summary>Published or Scheduled → TakenDown, at once, everywhere.</summary>
    public void TakeDown(Actor actor, string reason, DateTimeOffset now)
    {
        if (!actor.Has(Permissions.Publishing.TakeDown))
        {
            throw new ForbiddenException("Requests.Error.TakedownRole");
        }

        EnsureStatus("take down", RequestStatus.Published, RequestStatus.Scheduled);
        if (string.IsNullOrWhiteSpace(reason))
        {
            throw ValidationFailedException.For("reason", "Requests.Error.ReasonRequired");
        }

        foreach (var publication in Publications.Where(p => p.TakenDownAt is null))
        {
            publication.TakenDownAt = now;
        }

        Status = RequestStatus.TakenDown;
        TakenDownAt = now;
        ScheduledFor = null;
        Touch(now);
    }

    /// <summary>
    /// The reviewers signed the request for its target columns, so publishing before the intranet
    /// shortcut may use those columns only (a subset, e.g. when one was retired meanwhile) — never
    /// another column, and above all never an external one that nobody approved.
    /// </summary>
    public void EnsureApprovedColumns(IEnumerable<int> columnIds)
    {
        var unapproved = columnIds.Where(id => Columns.All(c => c.ColumnId != id)).ToList();
        if (unapproved.Count > 0)
        {
            throw new ColumnNotApprovedException(unapproved);
        }
    }

    private void EnsurePublisher(Actor actor)
    {
        if (!actor.Has(Permissions.Publishing.Publish))
        {
            throw new ForbiddenException("Requests.Error.PublisherOnly");
        }
    }
}

/// <summary>A publish or schedule asked for columns the reviewers did not approve (→ 409 column_not_approved).</summary>
public sealed class ColumnNotApprovedException(IReadOnlyList<int> columnIds)
    : ConflictException("Requests.Error.ColumnNotApproved", string.Join(", ", columnIds))
{
    public IReadOnlyList<int> ColumnIds { get; } = columnIds;

    public override string Code => "column_not_approved";
}
