using InfoPortal.Tests.Features.Screening;

namespace InfoPortal.Tests.Infrastructure.Pdf;

/// <summary>
/// Every PDF goes through <c>Infrastructure/Pdf</c> (ADR 0008): the PDF library (PDFsharp 6.2.4,
/// because QuestPDF is not served by the package registry here) is named nowhere else, so a later
/// switch of library is one folder.
/// </summary>
public sealed class PdfLayerTests
{
    private static readonly string[] LibraryNamespaces = ["PdfSharp", "MigraDoc"];

    [Fact]
    public void OnlyInfrastructurePdf_ReferencesThePdfLibrary()
    {
        var app = Path.Combine(ScreeningFixtures.RepositoryRoot(), "InfoPortal");
        var layer = Path.Combine(app, "Infrastructure", "Pdf") + Path.DirectorySeparatorChar;
        var sources = Directory.EnumerateFiles(app, "*.*", SearchOption.AllDirectories)
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                     && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();
        Assert.True(sources.Count > 100, $"only {sources.Count} source files found under {app}");

        var inLayer = sources.Where(f => f.StartsWith(layer, StringComparison.Ordinal)).ToList();
        Assert.Contains(inLayer, f => LibraryNamespaces.Any(n => File.ReadAllText(f).Contains(n + ".", StringComparison.Ordinal)));

        var outside = sources.Except(inLayer)
            .Where(f => LibraryNamespaces.Any(n => File.ReadAllText(f).Contains(n + ".", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(app, f))
            .ToList();
        Assert.True(outside.Count == 0, "the PDF library is used outside Infrastructure/Pdf: " + string.Join(", ", outside));
    }

    [Fact]
    public void ThePdfLibrary_IsPdfSharp624_NotTheAgplRelease()
    {
        var name = typeof(InfoPortal.Infrastructure.Pdf.PdfComposer).Assembly.GetReferencedAssemblies()
            .SingleOrDefault(a => a.Name!.StartsWith("PdfSharp", StringComparison.Ordinal));
        Assert.NotNull(name);
        var version = System.Reflection.Assembly.Load(name!)
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        // 6.5.0 and later are AGPL; the project stays on the MIT release.
        Assert.StartsWith("6.2.4", version, StringComparison.Ordinal);
    }
}
