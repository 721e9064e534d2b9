using System.Text.Json;
using Microsoft.Extensions.Options;

namespace InfoPortal.Features.Screening;

/// <summary>
/// The answer of <c>POST /api/v1/screening/check</c> (API.md; <c>variant</c> added by ADR 0056),
/// written field by field into the response pipe. The serializer took the hits as anonymous objects
/// by reflection: for 100,000 characters with 853 hits that was 1.1 ms and 280 KB a call, more than
/// the engine's scan (<c>bench screening-api</c>, "the same and its answer written as JSON").
/// The JSON is what the serializer wrote with the API's options, byte for byte (a test compares them):
/// camel-case names, <c>variant</c> null when the hit matched as written, the configured encoder.
/// </summary>
public sealed class CheckAnswer(ScreeningReport report) : IResult
{
    /// <summary>Hits written before the pipe is flushed, so a long answer is not held whole in memory.</summary>
    private const int HitsPerFlush = 256;

    public ScreeningReport Report { get; } = report;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/json; charset=utf-8";
        using var writer = new Utf8JsonWriter(response.BodyWriter, new JsonWriterOptions { Encoder = options.Encoder, SkipValidation = true });
        var hits = Report.Hits;
        WriteStart(writer);
        for (var i = 0; i < hits.Count; i++)
        {
            WriteHit(writer, hits[i]);
            if (i % HitsPerFlush == HitsPerFlush - 1)
            {
                // The writer hands its bytes to the pipe; the pipe's flush sends them (and waits when
                // the client reads slower than the answer is written).
                writer.Flush();
                await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
            }
        }

        WriteEnd(writer, Report);
        writer.Flush();
        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }

    /// <summary>Writes the whole answer (tests and benches compare it with the serializer's).</summary>
    public static void Write(Utf8JsonWriter writer, ScreeningReport report)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        WriteStart(writer);
        foreach (var hit in report.Hits)
        {
            WriteHit(writer, hit);
        }

        WriteEnd(writer, report);
    }

    private static void WriteStart(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray(HitsName);
    }

    private static void WriteEnd(Utf8JsonWriter writer, ScreeningReport report)
    {
        writer.WriteEndArray();
        writer.WriteString(ListVersionName, report.ListVersion);
        writer.WriteEndObject();
    }

    private static void WriteHit(Utf8JsonWriter writer, FieldHit hit)
    {
        writer.WriteStartObject();
        writer.WriteNumber(StartName, hit.Start);
        writer.WriteNumber(LengthName, hit.Length);
        writer.WriteString(TermName, hit.Term);
        writer.WriteString(TextName, hit.Text);
        writer.WriteString(CategoryName, hit.Category);
        writer.WriteString(LevelName, hit.Level);
        writer.WriteString(VariantName, hit.Variant);
        writer.WriteEndObject();
    }

    private static readonly JsonEncodedText HitsName = JsonEncodedText.Encode("hits");
    private static readonly JsonEncodedText ListVersionName = JsonEncodedText.Encode("listVersion");
    private static readonly JsonEncodedText StartName = JsonEncodedText.Encode("start");
    private static readonly JsonEncodedText LengthName = JsonEncodedText.Encode("length");
    private static readonly JsonEncodedText TermName = JsonEncodedText.Encode("term");
    private static readonly JsonEncodedText TextName = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText CategoryName = JsonEncodedText.Encode("category");
    private static readonly JsonEncodedText LevelName = JsonEncodedText.Encode("level");
    private static readonly JsonEncodedText VariantName = JsonEncodedText.Encode("variant");
}
