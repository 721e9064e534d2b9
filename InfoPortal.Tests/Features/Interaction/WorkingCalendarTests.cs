using InfoPortal.Features.Interaction;

namespace InfoPortal.Tests.Features.Interaction;

public sealed class WorkingCalendarTests
{
    private static readonly WorkingCalendar Plain = new([], []);

    // 2026 National Day: 1–7 October off (the weekdays among them are holidays), 27 September
    // (Sunday) and 10 October (Saturday) are working days (调休).
    private static readonly WorkingCalendar NationalDay = new(
        [new(2026, 10, 1), new(2026, 10, 2), new(2026, 10, 5), new(2026, 10, 6), new(2026, 10, 7)],
        [new(2026, 9, 27), new(2026, 10, 10)]);

    [Theory]
    [InlineData("2026-11-26", 5, "2026-12-03")] // Thursday + 5 skips one weekend
    [InlineData("2026-11-27", 1, "2026-11-30")] // Friday + 1 is Monday
    [InlineData("2026-11-28", 1, "2026-11-30")] // received on Saturday
    [InlineData("2026-11-29", 5, "2026-12-04")] // received on Sunday: Monday is day 1
    [InlineData("2026-11-23", 10, "2026-12-07")] // two weekends
    [InlineData("2026-11-26", 0, "2026-11-26")]
    public void AddWorkingDays_SkipsWeekends(string start, int days, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            Plain.AddWorkingDays(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), days));

    [Theory]
    [InlineData("2026-09-25", 1, "2026-09-27")] // Friday + 1 = the working Sunday (调休)
    [InlineData("2026-09-25", 2, "2026-09-28")]
    [InlineData("2026-09-30", 1, "2026-10-08")] // the whole holiday week skipped
    [InlineData("2026-09-30", 3, "2026-10-10")] // Thu 8, Fri 9, working Saturday 10
    [InlineData("2026-09-30", 4, "2026-10-12")]
    public void AddWorkingDays_SkipsHolidays_CountsExtraWorkingDays(string start, int days, string expected) =>
        Assert.Equal(DateOnly.Parse(expected, System.Globalization.CultureInfo.InvariantCulture),
            NationalDay.AddWorkingDays(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), days));

    [Fact]
    public void IsWorkingDay_FollowsWeekendsHolidaysAndExtraDays()
    {
        Assert.True(NationalDay.IsWorkingDay(new(2026, 9, 27)));   // Sunday, 调休
        Assert.False(NationalDay.IsWorkingDay(new(2026, 10, 1)));  // Thursday, holiday
        Assert.False(NationalDay.IsWorkingDay(new(2026, 10, 3)));  // Saturday
        Assert.True(NationalDay.IsWorkingDay(new(2026, 10, 8)));   // Thursday
        Assert.False(Plain.IsWorkingDay(new(2026, 9, 27)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Plain.AddWorkingDays(new(2026, 1, 1), -1));
    }
}
