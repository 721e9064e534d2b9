using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace InfoPortal.Infrastructure.Pdf;

/// <summary>
/// The content model a PDF is rendered from: plain data, no drawing. A report (申请表, monthly
/// statistics, bulletin, assessment) builds a <see cref="PdfDocumentModel"/> and hands it to
/// <see cref="PdfComposer"/>. The document hash printed in every footer is SHA-256 over this
/// model's canonical JSON (<see cref="ContentHash"/>), so the same data always gives the same
/// hash, whatever the generation time.
/// </summary>
public sealed record PdfDocumentModel(
    string Title,
    string Author,
    string Subject,
    IReadOnlyList<PdfBlock> Blocks,
    PdfLabels Labels)
{
    private static readonly JsonSerializerOptions Canonical = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The running header text (top of every page); the title when empty.</summary>
    public string? Header { get; init; }

    public string CanonicalJson() => JsonSerializer.Serialize(this, Canonical);

    /// <summary>The canonical JSON of a list of blocks (a part of a book, <see cref="PdfComposer.RenderBook"/>).</summary>
    public static string CanonicalJsonOf(IReadOnlyList<PdfBlock> blocks) => JsonSerializer.Serialize(blocks, Canonical);

    /// <summary>SHA-256 (lower-case hex) of <see cref="CanonicalJson"/>.</summary>
    public string ContentHash() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(CanonicalJson())));
}

/// <summary>
/// The few words the composer itself prints, in the reader's language. {0}/{1} in
/// <see cref="PageOf"/> are the page and the page count; in <see cref="Footer"/> the generation
/// time and the first 16 hex digits of the document hash.
/// </summary>
public sealed record PdfLabels(string PageOf, string Footer);

public enum PdfTextStyle
{
    Title,
    Heading,
    Body,
    Small,
}

[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(PdfParagraph), "p")]
[JsonDerivedType(typeof(PdfTable), "table")]
[JsonDerivedType(typeof(PdfKeyValueGrid), "grid")]
[JsonDerivedType(typeof(PdfSignatureBlock), "signatures")]
[JsonDerivedType(typeof(PdfSpacer), "space")]
public abstract record PdfBlock;

/// <summary>A flowing paragraph; \n is a hard line break. Centred when <see cref="Centered"/>.</summary>
public sealed record PdfParagraph(string Text, PdfTextStyle Style = PdfTextStyle.Body, bool Bold = false, bool Centered = false) : PdfBlock;

/// <summary>Vertical space in points.</summary>
public sealed record PdfSpacer(double Height) : PdfBlock;

/// <summary>
/// A bordered table. <see cref="ColumnWidths"/> are relative (they are scaled to the text
/// width); <see cref="HeaderRows"/> repeat at the top of every page the table spans; cells wrap.
/// A row taller than a page continues on the next page.
/// </summary>
public sealed record PdfTable(IReadOnlyList<double> ColumnWidths, IReadOnlyList<PdfRow> HeaderRows, IReadOnlyList<PdfRow> Rows, PdfTextStyle Style = PdfTextStyle.Body) : PdfBlock;

public sealed record PdfRow(IReadOnlyList<PdfCell> Cells);

public sealed record PdfCell(string Text, bool Bold = false, bool Shaded = false)
{
    public static implicit operator PdfCell(string text) => new(text);
}

/// <summary>A form grid of label–value pairs (two columns: shaded label, value), as on a paper form.</summary>
public sealed record PdfKeyValueGrid(IReadOnlyList<KeyValuePair<string, string>> Items, double LabelWidth = 0.22) : PdfBlock;

/// <summary>A block of signature lines: each a role, the signer's name and the date/time.</summary>
public sealed record PdfSignatureBlock(IReadOnlyList<PdfSignature> Signatures) : PdfBlock;

public sealed record PdfSignature(string Label, string Name, string Date);
