using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
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
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = Stylesheet();
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

            AddSheet(document, workbook, L["Statistics.SheetDepartments"], header, report.Rows.Select(r =>
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
            AddSheet(document, workbook, L["Statistics.SheetColumns"], columnHeader, report.Columns.Select(c => (IReadOnlyList<object?>)
                [c.DepartmentName, c.ColumnName, c.Drafted, c.Submitted, c.Approved, c.Returned, c.Published, c.Timely, c.TimelinessRate, c.TakenDown, c.OverdueSteps]));
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    private static void AddSheet(SpreadsheetDocument document, WorkbookPart workbook, string name, List<string> header, IEnumerable<IReadOnlyList<object?>> rows)
    {
        var part = workbook.AddNewPart<WorksheetPart>();
        var data = new SheetData();
        uint index = 1;
        data.Append(Row(index++, header.Cast<object?>().ToList(), bold: true));
        foreach (var row in rows)
        {
            data.Append(Row(index++, row, bold: false));
        }

        var columns = new DocumentFormat.OpenXml.Spreadsheet.Columns();
        for (var i = 0; i < header.Count; i++)
        {
            columns.Append(new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = i == 0 ? 18 : Math.Max(10, header[i].Length * 2.2), CustomWidth = true });
        }

        var view = new SheetViews(new SheetView(new Pane { VerticalSplit = 1, TopLeftCell = "A2", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen }) { WorkbookViewId = 0 });
        part.Worksheet = new Worksheet(view, columns, data);
        var sheets = workbook.Workbook.Sheets!;
        var id = (uint)(sheets.Count() + 1);
        // Sheet names: at most 31 characters and none of []:*?/\.
        var safe = new string([.. name.Where(c => !"[]:*?/\\".Contains(c))]);
        sheets.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = id, Name = safe.Length > 31 ? safe[..31] : safe });
    }

    private static Row Row(uint index, IReadOnlyList<object?> values, bool bold)
    {
        var row = new Row { RowIndex = index };
        for (var i = 0; i < values.Count; i++)
        {
            var reference = ColumnName(i) + index;
            Cell cell = values[i] switch
            {
                null => new Cell { CellReference = reference },
                string s => new Cell(new InlineString(new Text(s))) { CellReference = reference, DataType = CellValues.InlineString },
                int n => new Cell(new CellValue(n)) { CellReference = reference, DataType = CellValues.Number },
                double d => new Cell(new CellValue(Math.Round(d, 4))) { CellReference = reference, DataType = CellValues.Number, StyleIndex = 2 },
                var other => new Cell(new InlineString(new Text(other.ToString() ?? ""))) { CellReference = reference, DataType = CellValues.InlineString },
            };
            if (bold)
            {
                cell.StyleIndex = 1;
            }

            row.Append(cell);
        }

        return row;
    }

    public static string ColumnName(int index)
    {
        var name = "";
        for (var i = index + 1; i > 0; i = (i - 1) / 26)
        {
            name = (char)('A' + ((i - 1) % 26)) + name;
        }

        return name;
    }

    private static Stylesheet Stylesheet() => new(
        new Fonts(new Font(), new Font(new Bold())),
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })),
        new Borders(new Border()),
        new CellFormats(
            new CellFormat(),
            new CellFormat { FontId = 1, ApplyFont = true },
            new CellFormat { NumberFormatId = 2, ApplyNumberFormat = true })); // 0.00
}
