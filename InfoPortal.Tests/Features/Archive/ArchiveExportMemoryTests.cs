using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using InfoPortal.Features.Archive;
using InfoPortal.Infrastructure.Files;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InfoPortal.Tests.Features.Archive;

/// <summary>Alone in its collection: it measures the process's memory, which parallel tests would disturb.</summary>
[CollectionDefinition(nameof(ArchiveExportMemoryTests), DisableParallelization = true)]
public sealed class ArchiveExportMemoryGroup;

/// <summary>
/// Issue 10 item 8: the inspection export streams. A 500 MB archive is exported through the real
/// HTTP endpoint while the test samples the process's managed heap and RSS; the heap must not grow
/// by more than a fixed bound (64 MB), which a zip built in memory (the old MemoryStream) exceeds
/// by far. The zip that arrives is then checked offline by the verifier.
/// </summary>
[Collection(nameof(ArchiveExportMemoryTests))]
public sealed class ArchiveExportMemoryTests(ITestOutputHelper output)
{
    private const long ArchiveBytes = 500L * 1024 * 1024;
    private const int FileBytes = 20 * 1024 * 1024;
    private const long HeapBound = 64L * 1024 * 1024;

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Export_Of500MBArchive_StreamsWithFlatMemory_AndVerifies(string provider)
    {
        await using var app = await PortalFactory.CreateAsync(provider);
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var depthead = await ApiClient.SignInAsync(app, "depthead");
        using var director = await ApiClient.SignInAsync(app, "director");
        using var publisher = await ApiClient.SignInAsync(app, "publisher");
        var id = await officer.DraftAsync("大容量存档导出测试");
        await ApiClient.EnsureAsync(await officer.SubmitAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await depthead.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.EnsureAsync(await director.ApproveAsync(id), HttpStatusCode.OK);
        await ApiClient.ApproveRemainingAsync(app, id, director); // the internet needs a leader (ADR 0045)
        await ApiClient.EnsureAsync(await publisher.PublishAsync(id), HttpStatusCode.OK);

        // 25 files of 20 MB (the upload cap) written straight into the file store, and archive records
        // naming them, chained after the real record of the publish.
        var store = app.Services.GetRequiredService<FileStore>();
        var files = new List<ArchivedFile>();
        for (var i = 0; i < ArchiveBytes / FileBytes; i++)
        {
            files.Add(new ArchivedFile(WriteFile(store, i), $"附件{i:D2}.mp4", "video/mp4", FileBytes, null));
        }

        await using (var db = app.CreateDbContext())
        {
            var last = await db.ArchiveRecords.OrderByDescending(r => r.Sequence).FirstAsync();
            var previous = last;
            foreach (var chunk in files.Chunk(5))
            {
                var record = new ArchiveRecord
                {
                    Sequence = previous.Sequence + 1, Kind = ArchiveKind.Published, RequestId = last.RequestId, DepartmentId = last.DepartmentId,
                    Title = last.Title, ContentVersion = last.ContentVersion, ContentSha256 = last.ContentSha256, ContentJson = last.ContentJson,
                    AttachmentsJson = JsonSerializer.Serialize(chunk, ArchiveService.Canonical), ApprovalChainJson = last.ApprovalChainJson,
                    ScreeningJson = last.ScreeningJson, FormPdfSha256 = last.FormPdfSha256, CreatedAt = last.CreatedAt, PreviousHash = previous.Hash,
                };
                record.Hash = record.ComputeHash();
                db.ArchiveRecords.Add(record);
                await db.SaveChangesAsync();
                previous = record;
            }
        }

        // Export through the API while sampling memory every 20 ms.
        var zipPath = Path.Combine(app.DataFolder, "export.zip");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseHeap = GC.GetTotalMemory(false);
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var baseRss = process.WorkingSet64;
        long peakHeap = baseHeap, peakRss = baseRss;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
                process.Refresh();
                peakRss = Math.Max(peakRss, process.WorkingSet64);
                await Task.Delay(20, CancellationToken.None);
            }
        });

        using var auditor = await ApiClient.SignInAsync(app, "auditor");
        var watch = Stopwatch.StartNew();
        using var response = await auditor.Http.GetAsync("/api/v1/archive/export", HttpCompletionOption.ResponseHeadersRead);
        var firstByte = watch.Elapsed;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        long received;
        await using (var body = await response.Content.ReadAsStreamAsync())
        await using (var target = File.Create(zipPath))
        {
            await body.CopyToAsync(target);
            received = target.Length;
        }

        var total = watch.Elapsed;
        await stop.CancelAsync();
        await sampler;

        var heapGrowth = peakHeap - baseHeap;
        output.WriteLine($"{provider}: exported {received / (1024 * 1024)} MB; first byte after {firstByte.TotalSeconds:F2} s, all after {total.TotalSeconds:F1} s; " +
            $"managed heap peak +{heapGrowth / (1024 * 1024)} MB (base {baseHeap / (1024 * 1024)} MB); RSS peak +{(peakRss - baseRss) / (1024 * 1024)} MB (base {baseRss / (1024 * 1024)} MB)");
        Assert.True(received > ArchiveBytes, $"the zip holds every file ({received} bytes)");
        Assert.True(heapGrowth < HeapBound, $"managed heap grew by {heapGrowth / (1024 * 1024)} MB while exporting {received / (1024 * 1024)} MB (bound {HeapBound / (1024 * 1024)} MB)");

        // What arrived is a complete, intact inspection export.
        await using (var zip = File.OpenRead(zipPath))
        {
            Assert.Empty(await ExportVerifier.VerifyAsync(zip));
        }

        File.Delete(zipPath);
    }

    /// <summary>A 20 MB file of pseudo-random bytes (incompressible, different per index) saved under its SHA-256.</summary>
    private static string WriteFile(FileStore store, int index)
    {
        var buffer = new byte[1024 * 1024];
        new Random(index).NextBytes(buffer);
        var temp = Path.Combine(Path.GetDirectoryName(store.PathOf(new string('0', 64)))!, "..", $"big-{index}.tmp");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(temp))!);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using (var file = File.Create(temp))
        {
            for (var written = 0; written < FileBytes; written += buffer.Length)
            {
                buffer[0] = (byte)(written >> 20);
                hash.AppendData(buffer);
                file.Write(buffer);
            }
        }

        var sha = Convert.ToHexStringLower(hash.GetHashAndReset());
        var path = store.PathOf(sha);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Move(temp, path, overwrite: true);
        return sha;
    }
}
