namespace InfoPortal.Features.Interaction;

/// <summary>Interaction settings (<c>Interaction</c>).</summary>
public sealed class InteractionOptions
{
    public const string Section = "Interaction";

    /// <summary>Working days the department has for a reply (default 5).</summary>
    public int ReplyWorkingDays { get; set; } = 5;

    /// <summary>Public holidays (法定节假日) that fall on weekdays: not working days.</summary>
    public List<DateOnly> Holidays { get; set; } = [];

    /// <summary>Weekend days that are working days (调休).</summary>
    public List<DateOnly> ExtraWorkingDays { get; set; } = [];

    /// <summary>A form token older than this many hours is refused.</summary>
    public int FormTokenHours { get; set; } = 12;

    /// <summary>A form sent back sooner than this many seconds after it was served is refused (bots).</summary>
    public int FormMinSeconds { get; set; } = 3;

    public int MaxSubjectLength { get; set; } = 100;

    public int MaxTextLength { get; set; } = 5000;

    /// <summary>Messages one client address may leave per hour.</summary>
    public int MessagesPerIpPerHour { get; set; } = 5;

    /// <summary>Messages one contact (phone or e-mail) may leave per day.</summary>
    public int MessagesPerContactPerDay { get; set; } = 3;

    /// <summary>Ticket lookups one client address may make per hour.</summary>
    public int LookupsPerIpPerHour { get; set; } = 30;
}

/// <summary>
/// Working days: Monday to Friday, minus the configured holidays, plus the configured weekend
/// working days (调休). The reply deadline is the N-th working day after the day of receipt.
/// </summary>
public sealed class WorkingCalendar(IEnumerable<DateOnly> holidays, IEnumerable<DateOnly> extraWorkingDays)
{
    private readonly HashSet<DateOnly> _holidays = [.. holidays];
    private readonly HashSet<DateOnly> _extra = [.. extraWorkingDays];

    public static WorkingCalendar From(InteractionOptions options) => new(options.Holidays, options.ExtraWorkingDays);

    public bool IsWorkingDay(DateOnly day)
    {
        if (_extra.Contains(day))
        {
            return true;
        }

        return day.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && !_holidays.Contains(day);
    }

    /// <summary>The <paramref name="workingDays"/>-th working day after <paramref name="start"/> (the start day itself does not count).</summary>
    public DateOnly AddWorkingDays(DateOnly start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = start;
        var left = workingDays;
        while (left > 0)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                left--;
            }
        }

        return day;
    }
}
