using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace InfoPortal.Tests.TestSupport;

/// <summary>
/// One demo user's view of the API (a bearer token), with the request endpoints of API.md as
/// methods. Each returns the raw response so tests can assert status codes.
/// </summary>
public sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    private ApiClient(HttpClient http, string user)
    {
        _http = http;
        User = user;
    }

    public string User { get; }

    public HttpClient Http => _http;

    public static async Task<ApiClient> SignInAsync(PortalFactory app, string user)
    {
        var http = app.CreatePortalClient();
        http.WithBearer(await http.GetTokenAsync(user));
        return new ApiClient(http, user);
    }

    /// <summary>A client of an app running in its own process (a real socket), on an existing token.</summary>
    public static ApiClient ForToken(Uri baseAddress, string user, string token)
    {
        var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
        http.WithBearer(token);
        return new ApiClient(http, user);
    }

    /// <summary>Another client on the same sign-in (token), as a second browser tab shares the session.</summary>
    public ApiClient NewTab(PortalFactory app)
    {
        var http = app.CreatePortalClient();
        http.DefaultRequestHeaders.Authorization = _http.DefaultRequestHeaders.Authorization;
        return new ApiClient(http, User);
    }

    public async Task<JsonElement> ColumnAsync(string name)
    {
        var columns = await _http.GetFromJsonAsync<JsonElement>("/api/v1/columns");
        return columns.EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
    }

    public async Task<int> ColumnIdAsync(string name) => (await ColumnAsync(name)).GetProperty("id").GetInt32();

    public Task<HttpResponseMessage> CreateAsync(object body) => _http.PostAsJsonAsync("/api/v1/requests", body);

    /// <summary>Creates a complete draft and returns its id.</summary>
    public async Task<int> DraftAsync(string title, string importance = "Normal", int[]? columnIds = null, string? body = null, DateOnly? eventDate = null)
    {
        columnIds ??= [await ColumnIdAsync("工作动态")];
        var response = await CreateAsync(new
        {
            title,
            columnIds,
            kind = "Text",
            bodyHtml = body ?? "<p>县局召开药品安全专题会议，部署下一阶段工作。</p>",
            source = "县局办公室",
            importance,
            eventDate = (eventDate ?? DateOnly.FromDateTime(DateTime.Today)).ToString("yyyy-MM-dd"),
            declarationAccepted = true,
        });
        await EnsureAsync(response, HttpStatusCode.Created);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt32();
    }

    public Task<HttpResponseMessage> UpdateAsync(int id, object body) => _http.PutAsJsonAsync($"/api/v1/requests/{id}", body);

    public Task<HttpResponseMessage> SubmitAsync(int id) => _http.PostAsJsonAsync($"/api/v1/requests/{id}/submit", new { });

    public Task<HttpResponseMessage> WithdrawAsync(int id) => _http.PostAsJsonAsync($"/api/v1/requests/{id}/withdraw", new { });

    public Task<HttpResponseMessage> DecideAsync(int id, string decision, string? opinion = null, int? version = null, bool acknowledgeWarnings = false) =>
        _http.PostAsJsonAsync($"/api/v1/requests/{id}/decisions", new { decision, opinion, version, acknowledgeWarnings });

    public Task<HttpResponseMessage> ApproveAsync(int id, string opinion = "同意发布。") => DecideAsync(id, "Approve", opinion);

    public Task<HttpResponseMessage> PublishAsync(int id, DateTimeOffset? at = null, int[]? columnIds = null) =>
        _http.PostAsJsonAsync($"/api/v1/requests/{id}/publish", new { at, columnIds });

    public Task<HttpResponseMessage> TakeDownAsync(int id, string reason) => _http.PostAsJsonAsync($"/api/v1/requests/{id}/takedown", new { reason });

    public async Task<JsonElement> GetAsync(int id)
    {
        var response = await _http.GetAsync($"/api/v1/requests/{id}");
        await EnsureAsync(response, HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public Task<HttpResponseMessage> GetResponseAsync(int id) => _http.GetAsync($"/api/v1/requests/{id}");

    public async Task<JsonElement> QueueAsync(string query = "") => await _http.GetFromJsonAsync<JsonElement>("/api/v1/review-queue" + query);

    /// <summary>
    /// Signs every step still open, each as the demo user who holds that step's role, until the
    /// request is Approved: the leader's signature every internet item needs (ADR 0045) and any
    /// step a screening override added. Pass the clients the test already holds: a new sign-in ends
    /// an account's older tokens, so they are reused, and only missing users sign in (and are
    /// disposed here). Returns the last answer (<c>{status, currentStep}</c>).
    /// </summary>
    public static async Task<JsonElement> ApproveRemainingAsync(PortalFactory app, int id, params ApiClient[] signedIn)
    {
        var own = new List<ApiClient>();
        var clients = signedIn.GroupBy(c => c.User, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        try
        {
            async Task<ApiClient> As(string user)
            {
                if (!clients.TryGetValue(user, out var client))
                {
                    own.Add(client = clients[user] = await SignInAsync(app, user));
                }

                return client;
            }

            var state = await (signedIn.Length > 0 ? signedIn[0] : await As("director")).GetAsync(id);
            for (var guard = 0; guard < 8 && state.GetProperty("status").GetString() == "InReview"; guard++)
            {
                var user = state.GetProperty("currentStep").GetProperty("role").GetString() switch
                {
                    "DeptHead" => signedIn.FirstOrDefault(c => c.User.StartsWith("depthead", StringComparison.Ordinal) || c.User == "officehead")?.User ?? "depthead",
                    "OfficeDirector" => "director",
                    "Leader" => "leader",
                    "PrincipalLeader" => "principal",
                    "SecrecyOfficer" => "secrecy",
                    var role => throw new InvalidOperationException($"no demo user signs a {role} step"),
                };
                state = await EnsureAsync(await (await As(user)).DecideAsync(id, "Approve", "同意发布。", acknowledgeWarnings: true), HttpStatusCode.OK);
            }

            Assert.Equal("Approved", state.GetProperty("status").GetString());
            return state;
        }
        finally
        {
            foreach (var client in own)
            {
                client.Dispose();
            }
        }
    }

    /// <summary>Asserts a status and returns the JSON body (for chaining).</summary>
    public static async Task<JsonElement> EnsureAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}
