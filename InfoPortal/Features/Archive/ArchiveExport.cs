using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace InfoPortal.Features.Archive;

/// <summary>manifest.json of an inspection export.</summary>
public sealed record ArchiveManifest(
    int Format, string GeneratedAt, string? From, string? To, int? DepartmentId,
    IReadOnlyList<ManifestEntry> Entries, IReadOnlyList<ManifestRecord> Records)
{
    public const string FileName = "manifest.json";

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = true,
    };
}

/// <summary>One file in the zip with its SHA-256 and size.</summary>
public sealed record ManifestEntry(string Name, string Sha256, long Size);

/// <summary>One archive record: its hashed fields (so the hash can be recomputed offline) and its files in the zip.</summary>
public sealed record ManifestRecord(ArchiveRecordData Record, string FormPdf, IReadOnlyList<string> Files);

/// <summary>
/// <c>verify-export FILE.zip</c>: checks an inspection export offline, without a database. Every
/// zip entry must be listed in the manifest with a matching SHA-256, every listed entry present,
/// every record's hash must recompute from its fields, its PDF and files must be the ones its
/// hash covers, and consecutive records (by sequence) must link. Exit code 0 when intact, 1 otherwise.
/// </summary>
public static class ExportVerifier
{
    public static async Task<int> RunAsync(string path, TextWriter output, CancellationToken cancellationToken = default)
    {
        if (!File.Exists(path))
        {
            await output.WriteLineAsync($"FAIL: {path} not found");
            return 1;
        }

        IReadOnlyList<string> problems;
        try
        {
            await using var stream = File.OpenRead(path);
            problems = await VerifyAsync(stream, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or JsonException or IOException)
        {
            problems = [$"unreadable export: {ex.Message}"];
        }

        foreach (var problem in problems)
        {
            await output.WriteLineAsync($"FAIL: {problem}");
        }

        if (problems.Count == 0)
        {
            await output.WriteLineAsync($"OK: {path} is intact");
            return 0;
        }

        return 1;
    }

    /// <summary>All problems found, the most specific first; empty when the export is intact.</summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(Stream zipStream, CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read);
        var manifestEntry = zip.GetEntry(ArchiveManifest.FileName);
        if (manifestEntry is null)
        {
            return [$"{ArchiveManifest.FileName} is missing"];
        }

        ArchiveManifest manifest;
        await using (var manifestStream = await manifestEntry.OpenAsync(cancellationToken))
        {
            manifest = await JsonSerializer.DeserializeAsync<ArchiveManifest>(manifestStream, ArchiveManifest.Json, cancellationToken)
                ?? throw new JsonException("empty manifest");
        }

        var listed = manifest.Entries.ToDictionary(e => e.Name, StringComparer.Ordinal);
        foreach (var entry in zip.Entries.Where(e => e.FullName != ArchiveManifest.FileName))
        {
            if (!listed.TryGetValue(entry.FullName, out var expected))
            {
                problems.Add($"{entry.FullName}: added (not in the manifest)");
                continue;
            }

            await using var content = await entry.OpenAsync(cancellationToken);
            var actual = Convert.ToHexStringLower(await SHA256.HashDataAsync(content, cancellationToken));
            if (actual != expected.Sha256)
            {
                problems.Add($"{entry.FullName}: altered (SHA-256 {actual}, manifest says {expected.Sha256})");
            }
        }

        var present = zip.Entries.Select(e => e.FullName).ToHashSet(StringComparer.Ordinal);
        problems.AddRange(manifest.Entries.Where(e => !present.Contains(e.Name)).Select(e => $"{e.Name}: missing"));

        ManifestRecord? previous = null;
        foreach (var item in manifest.Records.OrderBy(r => r.Record.Sequence))
        {
            var record = item.Record;
            var label = $"record {record.Sequence} (request {record.RequestId}, {record.Kind})";
            if (record.ComputeHash() != record.Hash)
            {
                problems.Add($"{label}: altered (its hash does not match its fields)");
            }

            if (!listed.TryGetValue(item.FormPdf, out var pdf) || pdf.Sha256 != record.FormPdfSha256)
            {
                problems.Add($"{label}: its PDF {item.FormPdf} is not the one the record's hash covers");
            }

            var covered = (JsonSerializer.Deserialize<List<ArchivedFile>>(record.AttachmentsJson, ArchiveService.Canonical) ?? []).Select(f => f.Sha256).ToHashSet(StringComparer.Ordinal);
            foreach (var file in item.Files)
            {
                if (!listed.TryGetValue(file, out var entry) || !covered.Contains(entry.Sha256))
                {
                    problems.Add($"{label}: file {file} is not one the record's hash covers");
                }
            }

            if (previous is not null && previous.Record.Sequence + 1 == record.Sequence && record.PreviousHash != previous.Record.Hash)
            {
                problems.Add($"{label}: does not link to record {previous.Record.Sequence}");
            }

            previous = item;
        }

        return problems;
    }
}
