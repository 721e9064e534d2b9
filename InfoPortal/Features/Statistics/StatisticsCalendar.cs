namespace InfoPortal.Features.Statistics;

/// <summary>
/// Month, quarter and year boundaries in the agency's time zone (<c>Jobs:TimeZone</c>, default
/// Asia/Shanghai): an item published at 2026-10-31T17:30Z is 1 November in Shanghai and counts in November.
/// </summary>
public sealed class StatisticsCalendar(IConfiguration configuration, TimeProvider clock)
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    public TimeZoneInfo Zone { get; } = Infrastructure.Jobs.JobRunner.FindZone(configuration["Jobs:TimeZone"] ?? DefaultTimeZone);

    public TimeProvider Clock => clock;

    /// <summary>The UTC instant at which the local month starts.</summary>
    public DateTimeOffset MonthStart(int year, int month) =>
        new(TimeZoneInfo.ConvertTimeToUtc(new DateTime(year, month, 1, 0, 0, 0, DateTimeKind.Unspecified), Zone), TimeSpan.Zero);

    public (DateTimeOffset Start, DateTimeOffset End) Month(int year, int month)
    {
        var next = new DateOnly(year, month, 1).AddMonths(1);
        return (MonthStart(year, month), MonthStart(next.Year, next.Month));
    }

    /// <summary>The local month that contains now.</summary>
    public (int Year, int Month) CurrentMonth()
    {
        var local = TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone);
        return (local.Year, local.Month);
    }

    /// <summary>Throws a 400 unless the month is a real month that has already begun.</summary>
    public void EnsureValidMonth(int year, int month)
    {
        var (cy, cm) = CurrentMonth();
        if (month is < 1 or > 12 || year < 2000 || year * 12 + month > cy * 12 + cm)
        {
            throw Infrastructure.ValidationFailedException.For("month", "Statistics.Error.BadMonth");
        }
    }
}
