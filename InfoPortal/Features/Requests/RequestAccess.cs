using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;

namespace InfoPortal.Features.Requests;

/// <summary>
/// Who may see which request. An officer or department head sees their own department's
/// requests; the office director, leaders, publisher, secrecy officer and assessor see every
/// request once submitted. The system and audit administrators see none (三权分立).
/// </summary>
public static class RequestAccess
{


    public static IQueryable<PublicationRequest> VisibleTo(this IQueryable<PublicationRequest> requests, Actor actor)
    {
        var department = actor.Has(Permissions.Requests.ReadDepartment) ? actor.DepartmentId : null;
        var global = actor.Has(Permissions.Requests.ReadAll);
        return requests.Where(r =>
            (department != null && r.DepartmentId == department) ||
            (global && r.Status != RequestStatus.Draft && r.Status != RequestStatus.Withdrawn));
    }

    public static bool CanSee(Actor actor, PublicationRequest request) =>
        (actor.Has(Permissions.Requests.ReadDepartment) && actor.DepartmentId == request.DepartmentId) ||
        (actor.Has(Permissions.Requests.ReadAll) && request.Status is not (RequestStatus.Draft or RequestStatus.Withdrawn));
}
