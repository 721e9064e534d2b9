using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using InfoPortal.Tests.Features.Interaction;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Tests.Features.Accounts;

/// <summary>
/// Limits hold under concurrency, on both providers and across instances (issue 10 item 7,
/// issue 13 item 7): the public message limit and the sign-in throttle per address. Requests are
/// sent all at once; two app instances share one database where the test says so.
/// </summary>
public sealed class LimitsUnderConcurrencyTests
{
    /// <summary>One app, or two apps on the same database (the second started after the first has seeded it).</summary>
    private static async Task<PortalFactory[]> InstancesAsync(string provider, int count, Action<PortalFactory>? configure = null)
    {
        var first = await PortalFactory.CreateAsync(provider, configure);
        first.CreatePortalClient().Dispose(); // starts it: migrations and the demo agency
        var apps = new List<PortalFactory> { first };
        for (var i = 1; i < count; i++)
        {
            var other = provider == "Postgres"
                ? new PortalFactory("Postgres", first.ConnectionString)
                : new PortalFactory().With("ConnectionStrings:Portal", first.ConnectionString);
            other.With("Storage:Root", first.StorageRoot); // instances share one file store (ADR 0027)
            configure?.Invoke(other);
            apps.Add(other);
        }

        return [.. apps];
    }

    private static async Task DisposeAllAsync(IEnumerable<PortalFactory> apps)
    {
        foreach (var app in apps.Reverse())
        {
            await app.DisposeAsync();
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task TwentyParallelMessages_FromOneAddress_ExactlyFiveAccepted(string provider)
    {
        var apps = await InstancesAsync(provider, 1);
        try
        {
            using var client = apps[0].CreatePortalClient("203.0.113.50");
            var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
                InteractionApi.LeaveAsync(client, InteractionApi.Message(subject: $"并发建议{i}", contact: null))));

            Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            Assert.Equal(15, responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests));
            await using var db = apps[0].CreateDbContext();
            Assert.Equal(5, await db.InteractionMessages.CountAsync());
        }
        finally
        {
            await DisposeAllAsync(apps);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ParallelMessages_ThroughTwoInstances_StillExactlyFiveAccepted(string provider)
    {
        var apps = await InstancesAsync(provider, 2);
        try
        {
            var clients = apps.Select(a => a.CreatePortalClient("203.0.113.51")).ToList();
            var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
                InteractionApi.LeaveAsync(clients[i % 2], InteractionApi.Message(subject: $"双实例建议{i}", contact: null))));

            Assert.Equal(5, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
            await using var db = apps[0].CreateDbContext();
            Assert.Equal(5, await db.InteractionMessages.CountAsync());
            clients.ForEach(c => c.Dispose());
        }
        finally
        {
            await DisposeAllAsync(apps);
        }
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task ParallelWrongPasswords_ThroughTwoInstances_ExactlyTheAddressLimitAreChecked(string provider)
    {
        // 10 failures per address; the names are all different, so no account lockout interferes.
        var apps = await InstancesAsync(provider, 2, a => a.With("Security:MaxFailuresPerAddress", "10"));
        try
        {
            var clients = apps.Select(a => a.CreatePortalClient("10.20.30.40")).ToList();
            var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(i =>
                clients[i % 2].PostAsJsonAsync("/api/v1/auth/token", new { userName = $"guess{i}", password = "Wrong#Guess1" })));

            var codes = await Task.WhenAll(responses.Select(async r => (r.StatusCode, (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString())));
            Assert.Equal(10, codes.Count(c => c == (HttpStatusCode.Unauthorized, "invalid_credentials")));
            Assert.Equal(20, codes.Count(c => c == ((HttpStatusCode)429, "too_many_attempts")));

            // The right password from that address is refused too until the window passes; another address goes on.
            Assert.Equal((HttpStatusCode)429, (await clients[1].RequestTokenAsync("officer")).StatusCode);
            using var elsewhere = apps[1].CreatePortalClient("10.20.30.41");
            Assert.Equal(HttpStatusCode.OK, (await elsewhere.RequestTokenAsync("officer")).StatusCode);
            clients.ForEach(c => c.Dispose());
        }
        finally
        {
            await DisposeAllAsync(apps);
        }
    }
}
