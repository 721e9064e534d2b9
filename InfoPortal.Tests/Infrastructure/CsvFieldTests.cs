using InfoPortal.Infrastructure.Text;

namespace InfoPortal.Tests.Infrastructure;

/// <summary>One CSV field writer for every export (issue 16 drift: two writers, one without the formula guard).</summary>
public sealed class CsvFieldTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"点我\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"点我\"\")\"")]
    [InlineData("+1", "\"'+1\"")]
    [InlineData("-2+3", "\"'-2+3\"")]
    [InlineData("@SUM(A1)", "\"'@SUM(A1)\"")]
    [InlineData("普通词", "\"普通词\"")]
    [InlineData("", "")]
    public void Quote_DefusesFormulas_AndQuotes(string value, string expected) => Assert.Equal(expected, CsvField.Quote(value));

    [Theory]
    [InlineData("普通词", "普通词")]
    [InlineData("带,逗号", "\"带,逗号\"")]
    [InlineData("=1+1", "'=1+1")]
    public void Quote_WhenNeeded_QuotesOnlyWhatMustBeQuoted_ButAlwaysGuards(string value, string expected) =>
        Assert.Equal(expected, CsvField.Quote(value, always: false));

    [Theory]
    [InlineData("=1+1")]
    [InlineData("-减号开头")]
    [InlineData("'引号开头")]
    [InlineData("普通词")]
    public void Unguard_GivesBackWhatWasWritten(string value)
    {
        var written = CsvField.Quote(value, always: false);
        var field = written.StartsWith('"') ? written[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : written;
        Assert.Equal(value, CsvField.Unguard(field));
    }
}
