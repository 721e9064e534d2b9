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
    public static readonly string[] DepartmentRoles = [Roles.Officer, Roles.DeptHead];

    public static readonly string[] GlobalRoles = [Roles.OfficeDirector, Roles.Leader, Roles.PrincipalLeader, Roles.Publisher, Roles.SecrecyOfficer, Roles.Assessor];

    public static IQueryable<PublicationRequest> VisibleTo(this IQueryable<PublicationRequest> requests, Actor actor)
    {
        var department = actor.IsInAnyRole(DepartmentRoles) ? actor.DepartmentId : null;
        var global = actor.IsInAnyRole(GlobalRoles);
        return requests.Where(r =>
            (department != null && r.DepartmentId == department) ||
            (global && r.Status != RequestStatus.Draft && r.Status != RequestStatus.Withdrawn));
    }

    public static bool CanSee(Actor actor, PublicationRequest request) =>
        (actor.IsInAnyRole(DepartmentRoles) && actor.DepartmentId == request.DepartmentId) ||
        (actor.IsInAnyRole(GlobalRoles) && request.Status is not (RequestStatus.Draft or RequestStatus.Withdrawn));
}
