using InfoPortal.Infrastructure.Xlsx;
using Microsoft.Extensions.Localization;

namespace InfoPortal.Features.Statistics;

/// <summary>
/// The monthly report as an .xlsx workbook: a department sheet (one row per department, the
/// interaction figures after the counts, then the step times) and a column sheet. Inline strings, numbers as numbers, a bold header
/// row, set column widths, a frozen header.
/// </summary>
public static class StatisticsExcel
{
    public static byte[] Build(MonthlyReport report, IStringLocalizer L)
    {
        return XlsxWorkbook.Build((document, workbook) =>
        {
            var roles = report.Rows.SelectMany(r => r.Steps).Select(s => s.Role).Distinct().OrderBy(StatisticsService.RoleOrder).ToList();

            string[] counts = [L["Statistics.Drafted"], L["Statistics.Submitted"], L["Statistics.Approved"], L["Statistics.Returned"],
                L["Statistics.Published"], L["Statistics.Timely"], L["Statistics.TimelinessRate"], L["Statistics.TakenDown"], L["Statistics.OverdueSteps"]];
            string[] messages = [L["Statistics.MessagesReceived"], L["Statistics.MessagesAnswered"], L["Statistics.MessagesAnsweredOnTime"],
                L["Statistics.MessagesLate"], L["Statistics.MedianReplyHours"]];
            var header = new List<string> { L["Statistics.Department"] };
            header.AddRange(counts);
            header.AddRange(messages);
            foreach (var role in roles)
            {
                header.Add(L["Statistics.MedianHoursOf", L["Role." + role]]);
                header.Add(L["Statistics.P90HoursOf", L["Role." + role]]);
            }

            XlsxWorkbook.AddSheet(workbook, L["Statistics.SheetDepartments"], header, report.Rows.Select(r =>
            {
                var cells = new List<object?> { r.DepartmentName, r.Drafted, r.Submitted, r.Approved, r.Returned, r.Published, r.Timely, r.TimelinessRate, r.TakenDown, r.OverdueSteps,
                    r.MessagesReceived, r.MessagesAnswered, r.MessagesAnsweredOnTime, r.MessagesLate, r.MedianReplyHours };
                foreach (var role in roles)
                {
                    var step = r.Steps.FirstOrDefault(s => s.Role == role);
                    cells.Add(step?.MedianHours);
                    cells.Add(step?.P90Hours);
                }

                return cells;
            }));

            var columnHeader = new List<string> { L["Statistics.Department"], L["Statistics.Column"] };
            columnHeader.AddRange(counts);
            XlsxWorkbook.AddSheet(workbook, L["Statistics.SheetColumns"], columnHeader, report.Columns.Select(c => (IReadOnlyList<object?>)
                [c.DepartmentName, c.ColumnName, c.Drafted, c.Submitted, c.Approved, c.Returned, c.Published, c.Timely, c.TimelinessRate, c.TakenDown, c.OverdueSteps]));
        });
    }
}
