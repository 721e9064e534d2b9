using System.Globalization;

namespace InfoPortal.Infrastructure;

/// <summary>
/// The agency's one clock (ADR 0026): every time a person reads — on a page, in a PDF, in a
/// spreadsheet — and every "today", deadline and month boundary is in <c>Jobs:TimeZone</c>
/// (an IANA id, default Asia/Shanghai), never in the server process's own zone. A server set
/// to UTC and a printed form otherwise disagree by eight hours about the same signature.
/// </summary>
public sealed class AgencyClock(IConfiguration configuration, TimeProvider clock)
{
    public const string DefaultTimeZone = "Asia/Shanghai";

    public TimeZoneInfo Zone { get; } = ZoneFrom(configuration);

    public static TimeZoneInfo ZoneFrom(IConfiguration configuration) => Jobs.JobRunner.FindZone(configuration["Jobs:TimeZone"] ?? DefaultTimeZone);

    /// <summary>Now, with the agency's offset.</summary>
    public DateTimeOffset Now => TimeZoneInfo.ConvertTime(clock.GetUtcNow(), Zone);

    public DateOnly Today => DateOnly.FromDateTime(Now.DateTime);

    /// <summary>An instant as the agency's wall clock shows it.</summary>
    public DateTimeOffset Local(DateTimeOffset at) => TimeZoneInfo.ConvertTime(at, Zone);

    /// <summary>The instant (UTC, as PostgreSQL wants it) at which <paramref name="day"/> begins in the agency's zone.</summary>
    public DateTimeOffset StartOfDay(DateOnly day) =>
        new(TimeZoneInfo.ConvertTimeToUtc(day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified), Zone), TimeSpan.Zero);

    /// <summary>The one format of a date and time on screens and paper: 2026-10-31 07:30.</summary>
    public string Format(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public string Format(DateTimeOffset? at, string empty = "—") => at is { } value ? Format(value) : empty;

    public string FormatDate(DateTimeOffset at) => Local(at).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>The system clock with the agency's zone as its local zone (for <c>GetLocalNow()</c>).</summary>
public sealed class AgencyTimeProvider(TimeZoneInfo zone) : TimeProvider
{
    public override TimeZoneInfo LocalTimeZone => zone;
}

public static class AgencyClockExtensions
{
    /// <summary>Replaces <c>ToLocalTime()</c> (the server's zone) with the agency's zone.</summary>
    public static DateTimeOffset ToAgencyTime(this DateTimeOffset at, AgencyClock agency) => agency.Local(at);
}
