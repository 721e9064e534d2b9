using System.Diagnostics;
using InfoPortal.Data;
using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Requests;
using InfoPortal.Features.Review;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Benchmarks.Commands;

/// <summary>
/// <c>bench decisions [--decisions 300] [--clients 8] [--rate 20]</c>: the 部门负责人's approval as
/// <see cref="ReviewService.DecideAsync"/> runs it (screening, decision, audit, notices: one
/// transaction, one fsync), on requests the officer created and submitted through the services.
/// Four figures, in one run: a bare SQLite insert-and-commit on the same file (the fsync that bounds
/// every write, the reference), decisions one at a time, decisions arriving at a fixed rate from N
/// clients (open loop: latency counted from the planned arrival, so queueing shows), and N clients
/// deciding as fast as they can (closed loop: the throughput).
/// </summary>
public static class DecisionBench
{
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        var decisions = Arg(args, "--decisions", 300);
        var clients = Arg(args, "--clients", 8);
        var rate = Arg(args, "--rate", 20);
        await using var scope = services.CreateAsyncScope();
        var sp = scope.ServiceProvider;
        var dbFactory = sp.GetRequiredService<IDbContextFactory<PortalDbContext>>();
        var (officer, head, _, _, _, column, _) = await BenchCommand.BenchActorsAsync(dbFactory, DateTimeOffset.UtcNow);

        // Requests for three phases, created and submitted as the officer would (screened, audited).
        var seeding = Stopwatch.StartNew();
        var pending = new Queue<int>();
        var requests = sp.GetRequiredService<RequestService>();
        for (var i = 0; i < decisions * 3 + 20; i++)
        {
            var request = await requests.CreateAsync(officer, new RequestInput(
                $"县局开展第{i}批次药品安全检查", [column.Id], ContentKind.Text,
                $"<p>县局组织开展第{i}批次药品安全检查，共检查零售药店32家、医疗机构药房11家，发现问题已当场责令整改。</p>",
                "县局办公室", Importance.Normal, DateOnly.FromDateTime(DateTime.UtcNow), true));
            await requests.SubmitAsync(officer, request.Id, request.Version, null);
            pending.Enqueue(request.Id);
        }

        await output.WriteLineAsync($"created and submitted {pending.Count:N0} requests in {seeding.Elapsed.TotalSeconds:N1} s ({pending.Count / seeding.Elapsed.TotalSeconds:N0}/s)");
        var review = sp.GetRequiredService<ReviewService>();
        async Task<double> Decide(int id)
        {
            var watch = Stopwatch.StartNew();
            await review.DecideAsync(head, id, new DecisionInput(DecisionOutcome.Approve, "同意", null, false));
            return watch.Elapsed.TotalMilliseconds;
        }

        for (var i = 0; i < 20; i++)
        {
            await Decide(pending.Dequeue()); // warm-up: JIT, the compiled word lists, the connection pool
        }

        await output.WriteLineAsync($"| what ({decisions} each) | p50 ms | p95 ms | max ms | per second | CPU ms each |");
        await output.WriteLineAsync("|---|---|---|---|---|---|");
        await Row(output, "reference: bare insert + commit, same database", decisions, await CommitReferenceAsync(sp, decisions));
        await Row(output, "decisions, one at a time", decisions, await TimedAsync(async () =>
        {
            var times = new List<double>();
            for (var i = 0; i < decisions; i++) times.Add(await Decide(pending.Dequeue()));
            return times;
        }));

        // Open loop: decision k is due at k / rate seconds, whoever of the clients is free takes it.
        var open = new Queue<int>(Enumerable.Range(0, decisions).Select(_ => pending.Dequeue()));
        await Row(output, $"{rate}/s arriving from {clients} clients (open loop, from planned arrival)", decisions, await TimedAsync(async () =>
        {
            var start = Stopwatch.StartNew();
            var times = new List<double>();
            var next = 0;
            var gate = new object();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    int k, id;
                    lock (gate)
                    {
                        if (next >= decisions) return;
                        k = next++;
                        id = open.Dequeue();
                    }

                    var due = TimeSpan.FromSeconds((double)k / rate);
                    if (start.Elapsed < due) await Task.Delay(due - start.Elapsed);
                    var watch = Stopwatch.StartNew();
                    await review.DecideAsync(head, id, new DecisionInput(DecisionOutcome.Approve, "同意", null, false));
                    var latency = (start.Elapsed - due).TotalMilliseconds;
                    lock (gate) times.Add(Math.Max(latency, watch.Elapsed.TotalMilliseconds));
                }
            })));
            return times;
        }));

        var closed = new Queue<int>(Enumerable.Range(0, decisions).Select(_ => pending.Dequeue()));
        await Row(output, $"{clients} clients as fast as they can (closed loop)", decisions, await TimedAsync(async () =>
        {
            var times = new List<double>();
            var gate = new object();
            await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    int id;
                    lock (gate)
                    {
                        if (closed.Count == 0) return;
                        id = closed.Dequeue();
                    }

                    var ms = await Decide(id);
                    lock (gate) times.Add(ms);
                }
            })));
            return times;
        }));
        return 0;
    }

    private sealed record Timed(List<double> Times, TimeSpan Wall, TimeSpan Cpu);

    private static async Task<Timed> TimedAsync(Func<Task<List<double>>> run)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var wall = Stopwatch.StartNew();
        var times = await run();
        process.Refresh();
        return new Timed(times, wall.Elapsed, process.TotalProcessorTime - cpu);
    }

    private static Task Row(TextWriter output, string name, int count, Timed timed)
    {
        var sorted = timed.Times.Order().ToList();
        double P(double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
        return output.WriteLineAsync($"| {name} | {P(0.50):N1} | {P(0.95):N1} | {sorted[^1]:N1} | {count / timed.Wall.TotalSeconds:N0} | {timed.Cpu.TotalMilliseconds / count:N1} |");
    }

    /// <summary>The floor under any write: one row inserted and committed on the portal's own database, through its own connection settings (synchronous=FULL on SQLite).</summary>
    private static async Task<Timed> CommitReferenceAsync(IServiceProvider services, int count)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        await db.Database.OpenConnectionAsync();
        var connection = db.Database.GetDbConnection();
        await using (var setup = connection.CreateCommand())
        {
            setup.CommandText = "CREATE TABLE IF NOT EXISTS bench_commit (at TEXT NOT NULL)";
            await setup.ExecuteNonQueryAsync();
        }

        return await TimedAsync(async () =>
        {
            var times = new List<double>();
            for (var i = 0; i < count; i++)
            {
                var watch = Stopwatch.StartNew();
                await using var transaction = await connection.BeginTransactionAsync();
                await using var insert = connection.CreateCommand();
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO bench_commit (at) VALUES (@at)";
                var at = insert.CreateParameter();
                at.ParameterName = "@at";
                at.Value = DateTimeOffset.UtcNow.ToString("O");
                insert.Parameters.Add(at);
                await insert.ExecuteNonQueryAsync();
                await transaction.CommitAsync();
                times.Add(watch.Elapsed.TotalMilliseconds);
            }

            return times;
        });
    }

    private static int Arg(string[] args, string name, int fallback) => args.SkipWhile(a => a != name).Skip(1).Select(int.Parse).FirstOrDefault(fallback);
}
