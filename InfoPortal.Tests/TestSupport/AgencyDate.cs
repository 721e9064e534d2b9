using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Jobs;

namespace InfoPortal.Tests.TestSupport;

/// <summary>
/// Today as the portal counts it: in the agency's time zone, not the test machine's. From 16:00 to 24:00
/// UTC the agency (UTC+8) is already on the next day, and a test that took <c>DateTime.Today</c> for the
/// portal's today failed there (CI at 16:36 UTC: a reply deadline one day off).
/// </summary>
public static class AgencyDate
{
    private static readonly TimeZoneInfo Zone = JobRunner.FindZone(AgencyClock.DefaultTimeZone);

    public static DateOnly Today => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, Zone).DateTime);
}
