using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using InfoPortal.Features.Screening;
using InfoPortal.Tests.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace InfoPortal.Tests.Features.Screening;

/// <summary>
/// The check endpoint's answer is written field by field (CheckAnswer); it must stay, byte for byte,
/// what the serializer wrote from the API's options before: the contract of API.md, and what scripts parse.
/// </summary>
public sealed class CheckAnswerTests(CheckAnswerTests.Fixture app) : IClassFixture<CheckAnswerTests.Fixture>
{
    public sealed class Fixture : PortalFactory;

    private static readonly FieldHit[] Hits =
    [
        new("text", 0, 2, "机密", "机密", "SecrecyMark", "Block"),
        new("text", 3, 5, "fa lun", "法轮", "Sensitive", "Warn", Variant: "Pinyin"),
        new("text", 9, 4, "\"<a>&'", "引号\\反斜杠\u2028", "Sensitive", "Warn", Variant: "Homophone"),
        new("text", 14, 2, "😀字", "\u0001控制", "PersonalData", "Warn"),
    ];

    /// <summary>The API's JSON options, as the endpoint reads them.</summary>
    private JsonSerializerOptions Options => app.Services.GetRequiredService<IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>>().Value.SerializerOptions;

    private string SerializerAnswer(ScreeningReport report) =>
        JsonSerializer.Serialize(new
        {
            hits = report.Hits.Select(h => new { start = h.Start, length = h.Length, term = h.Term, text = h.Text, category = h.Category, level = h.Level, variant = h.Variant }),
            listVersion = report.ListVersion,
        }, Options);

    [Fact]
    public void Written_answer_is_the_serializers_byte_for_byte_escapes_and_nulls_included()
    {
        foreach (var report in new[] { new ScreeningReport(Hits, "rev-7"), new ScreeningReport([], "builtin-1") })
        {
            var buffer = new ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder }))
            {
                CheckAnswer.Write(writer, report);
            }

            Assert.Equal(SerializerAnswer(report), Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }

    [Theory]
    [InlineData("zh-CN", "请求体的类型不受支持")]
    [InlineData("en-US", "must be sent as Content-Type: application/json")]
    public async Task A_body_that_is_not_json_is_a_415_that_says_what_to_send(string language, string said)
    {
        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/screening/check") { Content = new StringContent("绝密文件", Encoding.UTF8, "text/plain") };
        request.Headers.AcceptLanguage.ParseAdd(language);
        using var response = await officer.Http.SendAsync(request);
        var problem = await ApiClient.EnsureAsync(response, HttpStatusCode.UnsupportedMediaType);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("unsupported_media_type", problem.GetProperty("code").GetString());
        Assert.Contains(said, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Endpoint_answers_with_the_serializers_json_for_a_long_text_flushed_in_parts()
    {
        // More hits than one flush holds (256), with the marking at known places.
        var text = new StringBuilder();
        var starts = new List<int>();
        for (var i = 0; i < 600; i++)
        {
            text.Append("本段正常。");
            starts.Add(text.Length);
            text.Append("绝密★文件");
        }

        using var officer = await ApiClient.SignInAsync(app, "officer");
        using var response = await officer.Http.PostAsJsonAsync("/api/v1/screening/check", new { text = text.ToString() });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();

        var screening = app.Services.GetRequiredService<ScreeningService>();
        Assert.Equal(SerializerAnswer(screening.Check(text.ToString())), body);
        using var json = JsonDocument.Parse(body);
        var blocking = json.RootElement.GetProperty("hits").EnumerateArray().Where(h => h.GetProperty("level").GetString() == "Block").ToList();
        // 绝密 and 绝密★ both match at each place.
        Assert.Equal(starts, blocking.Select(h => h.GetProperty("start").GetInt32()).Distinct());
        Assert.True(blocking.Count > 256, $"{blocking.Count} blocking hits, fewer than one flush holds");
        Assert.All(blocking, h => Assert.Equal(JsonValueKind.Null, h.GetProperty("variant").ValueKind));
    }
}
