using InfoPortal.Infrastructure;

namespace InfoPortal.Tests.TestSupport;

/// <summary>
/// Today as the portal counts it: in the agency's time zone, not the test machine's. From 16:00 to 24:00
/// UTC the agency (UTC+8) is already on the next day, and a test that took <c>DateTime.Today</c> for the
/// portal's today failed there (CI at 16:36 UTC: a reply deadline one day off).
/// </summary>
public static class AgencyDate
{
    /// <summary>The portal's own clock with the default zone, for tests that need the day before they build the app.</summary>
    private static readonly AgencyClock Clock = new(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), TimeProvider.System);

    public static DateOnly Today => Clock.Today;
}
