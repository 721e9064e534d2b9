using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;

namespace InfoPortal.Infrastructure.Limits;

/// <summary>One key of a limit: at most <see cref="Limit"/> attempts within <see cref="Window"/>.</summary>
public readonly record struct AttemptLimit(string Key, int Limit, TimeSpan Window);

/// <summary>
/// Counts attempts per key in the database (the <c>InteractionAttempts</c> table) so that a limit
/// holds across restarts, instances and concurrent requests (ADR 0022). Check and record are one
/// transaction that is serialised per key: on PostgreSQL by a transaction-scoped advisory lock per
/// key, taken in a fixed order; on SQLite by <c>BEGIN IMMEDIATE</c> (the writer lock is held from
/// the first statement). A count-then-insert outside such a transaction let 7–8 of 20 parallel
/// messages through a limit of 5.
/// </summary>
public sealed class AttemptLimiter(IDbContextFactory<PortalDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>The part of a key that must not be stored as typed (a user name, a contact): its SHA-256, hex.</summary>
    public static string HashKey(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>
    /// Records one attempt under every key, or none when any key already holds its limit within its
    /// window. Returns whether the attempt was recorded. Once it starts writing it runs to the end:
    /// the caller's token only cancels the wait for the lock.
    /// </summary>
    public Task<bool> TryTakeAsync(IReadOnlyList<AttemptLimit> limits, CancellationToken cancellationToken = default) =>
        RunLockedAsync(limits.Select(l => l.Key), async (db, now) =>
        {
            foreach (var (key, limit, window) in limits)
            {
                var since = now - window;
                if (await db.InteractionAttempts.CountAsync(a => a.Key == key && a.At > since, cancellationToken) >= limit)
                {
                    return false;
                }
            }

            foreach (var limit in limits)
            {
                db.InteractionAttempts.Add(new InteractionAttempt { Key = limit.Key, At = now });
            }

            return true;
        }, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction that holds the lock of every key, then saves
    /// and commits. What the work reads of those keys cannot change until the commit.
    /// </summary>
    public async Task<T> RunLockedAsync<T>(IEnumerable<string> keys, Func<PortalDbContext, DateTimeOffset, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await LockAsync(db, keys, cancellationToken);
        var now = clock.GetUtcNow();
        var result = await work(db, now);
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        return result;
    }

    /// <summary>Whether the key already holds its limit within its window (a read; nothing is recorded).</summary>
    public async Task<bool> IsAtLimitAsync(AttemptLimit limit, CancellationToken cancellationToken = default)
    {
        var since = clock.GetUtcNow() - limit.Window;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.InteractionAttempts.CountAsync(a => a.Key == limit.Key && a.At > since, cancellationToken) >= limit.Limit;
    }

    /// <summary>The time of the newest attempt under a key after <paramref name="since"/>, or null.</summary>
    public async Task<DateTimeOffset?> LatestAsync(string key, DateTimeOffset since, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var times = await db.InteractionAttempts.Where(a => a.Key == key && a.At > since).Select(a => a.At).ToListAsync(cancellationToken);
        return times.Count == 0 ? null : times.Max();
    }

    /// <summary>Forgets every attempt under a key (a successful sign-in clears its address's failures).</summary>
    public async Task ClearAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.InteractionAttempts.Where(a => a.Key == key).ExecuteDeleteAsync(CancellationToken.None);
    }

    /// <summary>Forgets one recorded attempt under a key: the newest (used to give back a reservation).</summary>
    public async Task GiveBackAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var newest = await db.InteractionAttempts.Where(a => a.Key == key).OrderByDescending(a => a.Id).Select(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        if (newest != 0)
        {
            await db.InteractionAttempts.Where(a => a.Id == newest).ExecuteDeleteAsync(CancellationToken.None);
        }
    }

    private static async Task LockAsync(PortalDbContext db, IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return; // SQLite: BEGIN IMMEDIATE already holds the database's single writer lock.
        }

        // A fixed order, so two requests with overlapping keys cannot deadlock.
        foreach (var lockKey in keys.Select(LockKey).Distinct().Order())
        {
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({lockKey})", cancellationToken);
        }
    }

    /// <summary>A 64-bit advisory-lock key for a limit key, in a namespace of its own.</summary>
    internal static long LockKey(string key) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("infoportal:attempts:" + key)));
}
