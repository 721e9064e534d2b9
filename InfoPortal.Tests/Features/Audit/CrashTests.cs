using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Archive;
using InfoPortal.Features.Audit;
using InfoPortal.Features.Requests;
using InfoPortal.Tests.TestSupport;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace InfoPortal.Tests.Features.Audit;

/// <summary>
/// Issue 10, the crash test: the real app in its own OS process (<c>dotnet InfoPortal.dll</c> from
/// the build output), eight API clients creating, submitting, approving and publishing, the process
/// killed with SIGKILL after a set number of acknowledged operations — while the others are in
/// flight —, then restarted on the same data. Whatever a client saw succeed is in the database,
/// every published item has its archive record, and the audit and archive chains verify.
/// </summary>
public sealed class CrashTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private const int KillAfterAcknowledged = 48;

    private enum Op
    {
        Created,
        Submitted,
        Approved,
        Published,
    }

    private sealed record Ack(int Client, Op Op, int RequestId, string User);

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task KilledMidLoop_EveryAcknowledgedOperationSurvives_AndTheChainsVerify(string provider)
    {
        // The factory only names the data (database, file store); the app under test is the process.
        var data = await PortalFactory.CreateAsync(provider);
        data.KeepDatabase = provider == "Sqlite";
        try
        {
            var acks = new ConcurrentQueue<Ack>();
            var refused = new ConcurrentQueue<string>();
            int killedAfter;
            await using (var first = await AppProcess.StartAsync(data, output))
            {
                var tokens = new Dictionary<string, string>(StringComparer.Ordinal);
                using (var http = new HttpClient { BaseAddress = first.BaseAddress })
                {
                    foreach (var user in new[] { "officer", "depthead", "director", "leader", "publisher" })
                    {
                        tokens[user] = await http.GetTokenAsync(user);
                    }
                }

                int column;
                using (var probe = ApiClient.ForToken(first.BaseAddress, "officer", tokens["officer"]))
                {
                    column = await probe.ColumnIdAsync("工作动态");
                }

                var acknowledged = 0;
                var killed = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);

                void Acknowledge(Ack ack)
                {
                    acks.Enqueue(ack);
                    if (Interlocked.Increment(ref acknowledged) == KillAfterAcknowledged)
                    {
                        // The moment is an event (the Nth success), not a time: the other seven are mid-request.
                        first.Kill();
                        killed.TrySetResult(KillAfterAcknowledged);
                    }
                }

                async Task LoopAsync(int client)
                {
                    ApiClient For(string user) => ApiClient.ForToken(first.BaseAddress, user, tokens[user]);
                    using var officer = For("officer");
                    using var depthead = For("depthead");
                    using var director = For("director");
                    using var leader = For("leader");
                    using var publisher = For("publisher");
                    try
                    {
                        for (var round = 0; !killed.Task.IsCompleted; round++)
                        {
                            var id = await officer.DraftAsync($"崩溃测试稿件 {client}-{round}", columnIds: [column]);
                            Acknowledge(new Ack(client, Op.Created, id, "officer"));
                            if (!await StepAsync(officer.SubmitAsync(id), client, Op.Submitted, id, "officer")) continue;
                            if (!await StepAsync(depthead.ApproveAsync(id, "内容属实，同意报送。"), client, Op.Approved, id, "depthead")) continue;
                            if (!await StepAsync(director.ApproveAsync(id, "同意发布。"), client, Op.Approved, id, "director")) continue;
                            if (!await StepAsync(leader.ApproveAsync(id, "同意在互联网发布。"), client, Op.Approved, id, "leader")) continue;
                            await StepAsync(publisher.PublishAsync(id), client, Op.Published, id, "publisher");
                        }
                    }
                    catch (Exception ex) when (killed.Task.IsCompleted && ex is HttpRequestException or TaskCanceledException or IOException or Xunit.Sdk.XunitException)
                    {
                        // The process is gone: this client's request in flight got no answer (or no 2xx).
                    }
                }

                async Task<bool> StepAsync(Task<HttpResponseMessage> call, int client, Op op, int id, string user)
                {
                    using var response = await call;
                    if (response.IsSuccessStatusCode)
                    {
                        Acknowledge(new Ack(client, op, id, user));
                        return true;
                    }

                    refused.Enqueue($"{op} request:{id} → {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                    return false;
                }

                await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(() => LoopAsync(c))));
                killedAfter = await killed.Task;
                await first.WaitForExitAsync();
                Assert.True(first.KilledBySignal, "the first process was still running after SIGKILL");
            }

            // Restart the real app on the same data: it starts (migrations, start-up checks) and serves.
            await using (var second = await AppProcess.StartAsync(data, output))
            {
                using var http = new HttpClient { BaseAddress = second.BaseAddress };
                var token = await http.GetTokenAsync("publisher");
                using var publisher = ApiClient.ForToken(second.BaseAddress, "publisher", token);
                var lastPublished = acks.LastOrDefault(a => a.Op == Op.Published);
                if (lastPublished is not null)
                {
                    var request = await publisher.GetAsync(lastPublished.RequestId);
                    Assert.Equal("Published", request.GetProperty("status").GetString());
                }
            }

            // What the database holds now, checked through the app's own services on the same data.
            await using var check = provider == "Postgres"
                ? new PortalFactory("Postgres", data.ConnectionString)
                : new PortalFactory().With("ConnectionStrings:Portal", data.ConnectionString);
            check.With("Storage:Root", data.StorageRoot);
            await using var db = check.CreateDbContext();
            var userIds = await db.Users.AsNoTracking().Where(u => u.UserName == "depthead" || u.UserName == "director" || u.UserName == "leader")
                .ToDictionaryAsync(u => u.UserName!, u => u.Id, StringComparer.Ordinal);
            var missing = new List<string>();
            var found = 0;
            foreach (var ack in acks)
            {
                var target = $"request:{ack.RequestId}";
                var request = await db.Requests.AsNoTracking().Include(r => r.Decisions).SingleOrDefaultAsync(r => r.Id == ack.RequestId);
                var ok = ack.Op switch
                {
                    Op.Created => request is not null && await db.AuditRecords.AnyAsync(a => a.Action == "RequestCreated" && a.Target == target),
                    Op.Submitted => request is not null && request.Status != RequestStatus.Draft && await db.AuditRecords.AnyAsync(a => a.Action == "RequestSubmitted" && a.Target == target),
                    Op.Approved => request is not null
                        && request.Decisions.Any(d => d.ReviewerId == userIds[ack.User] && d.Outcome == DecisionOutcome.Approve)
                        && await db.AuditRecords.AnyAsync(a => a.Action == "RequestApproved" && a.Target == target && a.ActorId == userIds[ack.User]),
                    Op.Published => request is { Status: RequestStatus.Published }
                        && await db.ArchiveRecords.AnyAsync(a => a.RequestId == ack.RequestId && a.Kind == ArchiveKind.Published)
                        && await db.AuditRecords.AnyAsync(a => a.Action == "RequestPublished" && a.Target == target),
                    _ => false,
                };
                if (ok) found++; else missing.Add($"{ack.Op} {target} by {ack.User} (client {ack.Client})");
            }

            var published = await db.Requests.AsNoTracking().Where(r => r.Status == RequestStatus.Published).Select(r => r.Id).ToListAsync();
            var withoutArchive = new List<int>();
            foreach (var id in published)
            {
                if (!await db.ArchiveRecords.AnyAsync(a => a.RequestId == id && a.Kind == ArchiveKind.Published)) withoutArchive.Add(id);
            }

            using var scope = check.Services.CreateScope();
            var audit = await scope.ServiceProvider.GetRequiredService<AuditLog>().VerifyChainAsync();
            var auditor = new Actor(null, "auditor", "卫审计", null, new HashSet<string> { Roles.AuditAdmin, Roles.Publisher }, null);
            var archive = await scope.ServiceProvider.GetRequiredService<ArchiveService>().VerifyAsync(auditor);

            var byOp = string.Join(", ", acks.GroupBy(a => a.Op).OrderBy(g => g.Key).Select(g => $"{g.Key} {g.Count()}"));
            output.WriteLine($"[{provider}] killed after the {killedAfter}th acknowledgement; acknowledged {acks.Count} ({byOp}), found after restart {found}; " +
                $"published in the database {published.Count}, without archive record {withoutArchive.Count}; audit chain {(audit.Ok ? "OK" : "BROKEN")}, " +
                $"archive chain {(archive.Ok ? "OK" : "BROKEN")}; non-2xx answers before the kill {refused.Count}");
            foreach (var line in refused.Take(5)) output.WriteLine("  refused: " + line);

            Assert.True(acks.Count >= KillAfterAcknowledged, $"only {acks.Count} acknowledged");
            Assert.True(missing.Count == 0, "acknowledged but missing after restart: " + string.Join("; ", missing));
            Assert.Equal(acks.Count, found);
            Assert.True(acks.Any(a => a.Op == Op.Published), "the loop published nothing before the kill");
            Assert.Empty(withoutArchive);
            Assert.True(audit.Ok, $"audit chain broken at {audit.FirstBrokenId}");
            Assert.True(archive.Ok, archive.Problem);
        }
        finally
        {
            if (provider == "Sqlite")
            {
                Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
                try
                {
                    Directory.Delete(data.DataFolder, recursive: true);
                }
                catch (IOException)
                {
                }
            }

            await data.DisposeAsync();
        }
    }

    /// <summary>
    /// <c>dotnet InfoPortal.dll</c> from the app's build output, in Development (the demo agency),
    /// on the factory's database and file store, on a free loopback port. Ready when Kestrel says it
    /// listens.
    /// </summary>
    private sealed class AppProcess : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly ConcurrentQueue<string> _log = new();

        private AppProcess(Process process, Uri baseAddress)
        {
            _process = process;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public bool KilledBySignal { get; private set; }

        public static async Task<AppProcess> StartAsync(PortalFactory data, ITestOutputHelper output)
        {
            var dll = AppDll();
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(dll);
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
            start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            start.Environment["Database__Provider"] = data.Provider;
            start.Environment["ConnectionStrings__Portal"] = data.ConnectionString;
            start.Environment["Storage__Root"] = data.StorageRoot;
            start.Environment["Jobs__RunServer"] = "false";
            start.Environment["Jobs__CatchUpAtStart"] = "false";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";

            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port}"));
            void OnLine(string? line)
            {
                if (line is null) return;
                app._log.Enqueue(line);
                while (app._log.Count > 200) app._log.TryDequeue(out _);
                if (line.Contains("Now listening on", StringComparison.Ordinal)) ready.TrySetResult();
            }

            process.OutputDataReceived += (_, e) => OnLine(e.Data);
            process.ErrorDataReceived += (_, e) => OnLine(e.Data);
            process.Exited += (_, _) => ready.TrySetException(new InvalidOperationException("the app exited before it listened"));
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                await ready.Task.WaitAsync(TimeSpan.FromMinutes(3));
            }
            catch (Exception)
            {
                output.WriteLine(string.Join('\n', app._log));
                await app.DisposeAsync();
                throw;
            }

            return app;
        }

        public void Kill()
        {
            // Process.Kill is SIGKILL on Unix: no shutdown, no flush, no finally blocks.
            _process.Kill(entireProcessTree: false);
            KilledBySignal = true;
        }

        public Task WaitForExitAsync() => _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            }

            _process.Dispose();
        }

        /// <summary>The app's own build output (InfoPortal/bin/&lt;Configuration&gt;/&lt;tfm&gt;), next to the tests' one.</summary>
        private static string AppDll()
        {
            var testBin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
            var tfm = testBin.Name;
            var configuration = testBin.Parent!.Name;
            var root = testBin;
            while (root is not null && !File.Exists(Path.Combine(root.FullName, "InfoPortal.sln")))
            {
                root = root.Parent;
            }

            var candidates = new List<string>();
            if (root is not null)
            {
                candidates.Add(Path.Combine(root.FullName, "InfoPortal", "bin", configuration, tfm, "InfoPortal.dll"));
            }

            // The tests' output holds the app's assembly, runtimeconfig and deps too (project reference).
            candidates.Add(Path.Combine(AppContext.BaseDirectory, "InfoPortal.dll"));
            return candidates.FirstOrDefault(c => File.Exists(c) && File.Exists(Path.ChangeExtension(c, ".runtimeconfig.json")))
                ?? throw new InvalidOperationException("InfoPortal.dll not found; build InfoPortal first: " + string.Join(", ", candidates));
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
