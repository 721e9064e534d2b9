using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace InfoPortal.Infrastructure.Xlsx;

/// <summary>
/// Small .xlsx workbooks for reports (statistics, the secrecy report): inline strings, numbers as
/// numbers, a bold header row, set column widths, a frozen header.
/// </summary>
public static class XlsxWorkbook
{
    /// <summary>Creates a workbook, lets <paramref name="fill"/> add its sheets, and returns the file.</summary>
    public static byte[] Build(Action<SpreadsheetDocument, WorkbookPart> fill)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook(new Sheets());
            var styles = workbook.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = Stylesheet();
            fill(document, workbook);
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }

    public static void AddSheet(WorkbookPart workbook, string name, List<string> header, IEnumerable<IReadOnlyList<object?>> rows)
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
                string s => new Cell(new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(s))) { CellReference = reference, DataType = CellValues.InlineString },
                int n => new Cell(new CellValue(n)) { CellReference = reference, DataType = CellValues.Number },
                double d => new Cell(new CellValue(Math.Round(d, 4))) { CellReference = reference, DataType = CellValues.Number, StyleIndex = 2 },
                var other => new Cell(new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(other.ToString() ?? ""))) { CellReference = reference, DataType = CellValues.InlineString },
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
