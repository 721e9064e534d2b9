using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using InfoPortal.Tests.TestSupport;
using SkiaSharp;

namespace InfoPortal.Tests.Features.Requests;

/// <summary>Uploads: type by content, size caps, captions, metadata stripped, access to the files.</summary>
public sealed class UploadTests(UploadTests.Fixture fixture) : IClassFixture<UploadTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    private PortalFactory App => fixture;

    private static async Task<HttpResponseMessage> UploadAsync(ApiClient client, int requestId, string name, byte[] bytes, string? caption)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", name);
        if (caption is not null)
        {
            form.Add(new StringContent(caption), "caption");
        }

        return await client.Http.PostAsync($"/api/v1/requests/{requestId}/attachments", form);
    }

    [Fact]
    public async Task Png_WithCaption_IsStoredByHash_AndMakesANewVersion()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        var id = await officer.DraftAsync("带图片的稿件");
        var before = (await officer.GetAsync(id)).GetProperty("contentVersion").GetInt32();

        var result = await ApiClient.EnsureAsync(await UploadAsync(officer, id, "会议现场.png", TestFiles.Png(), "专题会议现场"), HttpStatusCode.OK);
        Assert.Equal("image/png", result.GetProperty("contentType").GetString());
        Assert.Matches("^[0-9a-f]{64}$", result.GetProperty("sha256").GetString());
        var detail = await officer.GetAsync(id);
        Assert.Equal(before + 1, detail.GetProperty("contentVersion").GetInt32());
        Assert.Equal("专题会议现场", detail.GetProperty("attachments")[0].GetProperty("caption").GetString());

        var stored = Path.Combine(App.DataFolder, "files", "files", result.GetProperty("sha256").GetString()![..2], result.GetProperty("sha256").GetString()!);
        Assert.True(File.Exists(stored));
    }

    [Fact]
    public async Task PngRenamedPdf_Is415()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        var id = await officer.DraftAsync("改名的图片");
        var problem = await ApiClient.EnsureAsync(await UploadAsync(officer, id, "报告.pdf", TestFiles.Png(), "说明"), HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("file_type_not_allowed", problem.GetProperty("code").GetString());
        Assert.Contains(".pdf", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ExeRenamedJpg_Is415()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        var id = await officer.DraftAsync("可执行文件");
        var problem = await ApiClient.EnsureAsync(await UploadAsync(officer, id, "photo.jpg", TestFiles.Exe(), "照片"), HttpStatusCode.UnsupportedMediaType);
        Assert.Contains("不允许上传此类文件", problem.GetProperty("detail").GetString());
        Assert.Equal(0, (await officer.GetAsync(id)).GetProperty("attachments").GetArrayLength());
    }

    [Fact]
    public async Task OversizedFile_Is413()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        var id = await officer.DraftAsync("超大附件");
        var problem = await ApiClient.EnsureAsync(await UploadAsync(officer, id, "big.pdf", TestFiles.Pdf((20 * 1024 * 1024) + 1), null), HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal("file_too_large", problem.GetProperty("code").GetString());
        Assert.Contains("20 MB", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ImageWithoutCaption_Is400WithTheRule()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        var id = await officer.DraftAsync("没有注释的图片");
        var problem = await ApiClient.EnsureAsync(await UploadAsync(officer, id, "photo.png", TestFiles.Png(), "  "), HttpStatusCode.BadRequest);
        Assert.Equal("图片必须加带文字注释。", problem.GetProperty("errors").GetProperty("caption")[0].GetString());
    }

    [Fact]
    public async Task Jpeg_LosesItsExifGps_ButStaysAValidImage()
    {
        var original = TestFiles.JpegWithGps();
        Assert.True(TestFiles.ContainsExif(original));
        using (var codec = SKCodec.Create(new MemoryStream(original)))
        {
            Assert.NotNull(codec);
        }

        using var officer = await ApiClient.SignInAsync(App, "officer");
        var id = await officer.DraftAsync("手机照片");
        var result = await ApiClient.EnsureAsync(await UploadAsync(officer, id, "IMG_0001.jpg", original, "检查现场"), HttpStatusCode.OK);
        var url = (await officer.GetAsync(id)).GetProperty("attachments")[0].GetProperty("url").GetString();

        var download = await officer.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        var bytes = await download.Content.ReadAsByteArrayAsync();
        Assert.False(TestFiles.ContainsExif(bytes), "EXIF (with GPS) must be gone");
        using var decoded = SKBitmap.Decode(bytes);
        Assert.Equal(40, decoded.Width);
        Assert.Equal("image/jpeg", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", download.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.StartsWith("inline", download.Content.Headers.ContentDisposition?.ToString() ?? download.Headers.GetValues("Content-Disposition").Single());
        Assert.NotEqual(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(original)), result.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Files_OnlyForThoseWhoMaySeeTheRequest_UntilPublished()
    {
        using var officer = await ApiClient.SignInAsync(App, "officer");
        using var officer2 = await ApiClient.SignInAsync(App, "officer2");
        var id = await officer.DraftAsync("附件权限");
        await ApiClient.EnsureAsync(await UploadAsync(officer, id, "说明.txt", "第一行\n第二行\n"u8.ToArray(), null), HttpStatusCode.OK);
        var url = (await officer.GetAsync(id)).GetProperty("attachments")[0].GetProperty("url").GetString()!;

        Assert.Equal(HttpStatusCode.OK, (await officer.Http.GetAsync(url)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await officer2.Http.GetAsync(url)).StatusCode);
        using var anonymous = App.CreatePortalClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(url)).StatusCode);
        var download = await officer.Http.GetAsync(url);
        Assert.StartsWith("attachment", download.Content.Headers.ContentDisposition?.DispositionType ?? "");
    }
}
