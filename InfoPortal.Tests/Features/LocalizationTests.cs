using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace InfoPortal.Tests.Features;

/// <summary>zh-CN is the default and en-US is complete: the two resource files hold the same keys, and every key the code asks for exists.</summary>
public sealed partial class LocalizationTests
{
    private static readonly string Root = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "InfoPortal.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    private static Dictionary<string, string> Read(string file) =>
        XDocument.Load(Path.Combine(Root, "InfoPortal", "Resources", file)).Root!.Elements("data")
            .ToDictionary(d => d.Attribute("name")!.Value, d => d.Element("value")!.Value);

    [Fact]
    public void ChineseAndEnglish_HaveTheSameKeys_AndNoEmptyText()
    {
        var zh = Read("SharedResource.resx");
        var en = Read("SharedResource.en.resx");
        Assert.Empty(zh.Keys.Except(en.Keys));
        Assert.Empty(en.Keys.Except(zh.Keys));
        Assert.Empty(zh.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => p.Key));
        Assert.Empty(en.Where(p => string.IsNullOrWhiteSpace(p.Value)).Select(p => p.Key));
        // English text is English: no Han characters except the language's own name.
        Assert.Empty(en.Where(p => p.Key != "Language.zh-CN" && HanCharacter().IsMatch(p.Value)).Select(p => p.Key));
    }

    [Fact]
    public void EveryKeyTheCodeUses_Exists()
    {
        var keys = Read("SharedResource.resx").Keys.ToHashSet(StringComparer.Ordinal);
        var missing = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "InfoPortal"), "*.*", SearchOption.AllDirectories)
                     .Where(f => (f.EndsWith(".razor", StringComparison.Ordinal) || f.EndsWith(".cs", StringComparison.Ordinal)) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)))
        {
            var text = File.ReadAllText(file);
            foreach (Match m in LocalizerKey().Matches(text))
            {
                if (!keys.Contains(m.Groups[1].Value)) missing.Add($"{Path.GetFileName(file)}: {m.Groups[1].Value}");
            }

            // Keys passed to domain exceptions and validation errors.
            foreach (Match m in ErrorKey().Matches(text))
            {
                if (!keys.Contains(m.Groups[1].Value)) missing.Add($"{Path.GetFileName(file)}: {m.Groups[1].Value}");
            }
        }

        Assert.Empty(missing);
    }

    [GeneratedRegex(@"\bL\[""([A-Za-z0-9_.\-]+)""\s*[\],]")]
    private static partial Regex LocalizerKey();

    [GeneratedRegex(@"""((?:Requests|Review|Uploads|Columns|Chains|Users|Departments|Tokens|Password|SignIn|TwoFactor|Common|Site|Notify|Monitoring|Statistics|Interaction)\.[A-Za-z]+(?:\.[A-Za-z]+)*)""")]
    private static partial Regex ErrorKey();

    [GeneratedRegex(@"\p{IsCJKUnifiedIdeographs}")]
    private static partial Regex HanCharacter();
}
