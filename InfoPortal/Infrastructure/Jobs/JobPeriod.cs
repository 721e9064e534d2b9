using System.Globalization;

namespace InfoPortal.Infrastructure.Jobs;

/// <summary>How long one period of a job is.</summary>
public enum PeriodKind
{
    Minute,
    Day,
    Month,
    Quarter,
    Year,
}

/// <summary>
/// One period a job runs for, in local (Jobs:TimeZone) time: the minute, day, month, quarter or
/// year that starts at <see cref="Start"/>. Its <see cref="Key"/> ("2026-11", "2026-Q4", ...) is
/// what the run and period tables store.
/// </summary>
public readonly record struct JobPeriod(PeriodKind Kind, DateTime Start)
{
    /// <summary>The period of <paramref name="kind"/> that contains the local time.</summary>
    public static JobPeriod Containing(PeriodKind kind, DateTime local) => kind switch
    {
        PeriodKind.Minute => new(kind, new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified)),
        PeriodKind.Day => new(kind, local.Date),
        PeriodKind.Month => new(kind, new DateTime(local.Year, local.Month, 1, 0, 0, 0, DateTimeKind.Unspecified)),
        PeriodKind.Quarter => new(kind, new DateTime(local.Year, ((local.Month - 1) / 3 * 3) + 1, 1, 0, 0, 0, DateTimeKind.Unspecified)),
        PeriodKind.Year => new(kind, new DateTime(local.Year, 1, 1, 0, 0, 0, DateTimeKind.Unspecified)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>The period <paramref name="count"/> steps later (negative: earlier).</summary>
    public JobPeriod Add(int count) => Kind switch
    {
        PeriodKind.Minute => this with { Start = Start.AddMinutes(count) },
        PeriodKind.Day => this with { Start = Start.AddDays(count) },
        PeriodKind.Month => this with { Start = Start.AddMonths(count) },
        PeriodKind.Quarter => this with { Start = Start.AddMonths(3 * count) },
        PeriodKind.Year => this with { Start = Start.AddYears(count) },
        _ => throw new InvalidOperationException(),
    };

    /// <summary>The first local instant after the period.</summary>
    public DateTime End => Add(1).Start;

    public DateOnly FirstDay => DateOnly.FromDateTime(Start);

    /// <summary>The month's first day etc. as a date: the handy form for monthly/quarterly jobs.</summary>
    public DateOnly LastDay => DateOnly.FromDateTime(End).AddDays(-1);

    public string Key => Kind switch
    {
        PeriodKind.Minute => Start.ToString("yyyy-MM-dd'T'HH:mm", CultureInfo.InvariantCulture),
        PeriodKind.Day => Start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        PeriodKind.Month => Start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        PeriodKind.Quarter => string.Create(CultureInfo.InvariantCulture, $"{Start.Year}-Q{((Start.Month - 1) / 3) + 1}"),
        PeriodKind.Year => Start.ToString("yyyy", CultureInfo.InvariantCulture),
        _ => throw new InvalidOperationException(),
    };

    public override string ToString() => Key;

    /// <summary>Reads a key written by <see cref="Key"/>; false for anything else.</summary>
    public static bool TryParse(PeriodKind kind, string? key, out JobPeriod period)
    {
        period = default;
        if (string.IsNullOrWhiteSpace(key))
        {
            return false;
        }

        key = key.Trim();
        var inv = CultureInfo.InvariantCulture;
        DateTime start;
        switch (kind)
        {
            case PeriodKind.Minute when DateTime.TryParseExact(key, "yyyy-MM-dd'T'HH:mm", inv, DateTimeStyles.None, out start):
            case PeriodKind.Day when DateTime.TryParseExact(key, "yyyy-MM-dd", inv, DateTimeStyles.None, out start):
            case PeriodKind.Month when DateTime.TryParseExact(key, "yyyy-MM", inv, DateTimeStyles.None, out start):
            case PeriodKind.Year when DateTime.TryParseExact(key, "yyyy", inv, DateTimeStyles.None, out start):
                period = Containing(kind, start);
                return period.Key == key;
            case PeriodKind.Quarter when key.Length == 7 && key[4] == '-' && key[5] == 'Q'
                && int.TryParse(key.AsSpan(0, 4), NumberStyles.None, inv, out var year) && year >= 1
                && key[6] is >= '1' and <= '4':
                period = new JobPeriod(kind, new DateTime(year, ((key[6] - '1') * 3) + 1, 1, 0, 0, 0, DateTimeKind.Unspecified));
                return true;
            default:
                return false;
        }
    }
}
