using System.Globalization;
using InfoPortal.Features.Requests;
using InfoPortal.Infrastructure;
using InfoPortal.Infrastructure.Pdf;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Statistics;

/// <summary>Number formatting shared by the three report PDFs (invariant digits, at most one/two decimals).</summary>
internal static class PdfFigures
{
    public static string N(int value) => value.ToString(CultureInfo.InvariantCulture);

    public static string N(double? value, string format = "0.#") => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    public static string Rate(double? value) => value is { } v ? (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%" : "—";

    public static string P(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    /// <summary>Printed times are in the agency's zone (Jobs:TimeZone), as on the screens.</summary>
    public static string Time(DateTimeOffset at, AgencyClock agency) => agency.Format(at);

    public static string F(IStringLocalizer L, string key, params object[] args) =>
        string.Format(CultureInfo.CurrentCulture, L[key].Value, args);
}
