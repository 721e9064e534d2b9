using System.Data.Common;
using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace InfoPortal.Infrastructure.Cluster;

/// <summary>
/// A change every instance must hear about: the topic, the version the change bumped it to, and
/// optional tags (which pages, which items). No tags means "assume everything changed" — what an
/// instance does when it only knows that the version moved (after a reconnect, in the version check).
/// </summary>
public sealed record ClusterSignalEvent(string Topic, long Version, IReadOnlyList<string>? Tags)
{
    /// <summary>The channel every instance LISTENs on.</summary>
    public const string Channel = "infoportal";

    /// <summary>PostgreSQL refuses a payload of 8000 bytes or more; longer tag lists are sent as "everything".</summary>
    private const int MaxPayloadBytes = 7900;

    public bool IsEverything => Tags is null;

    /// <summary><c>topic:version[:tag,tag…]</c> (ADR 0021 §4); tags are escaped neither way, so they must not hold commas.</summary>
    public string ToPayload()
    {
        var head = $"{Topic}:{Version}";
        if (Tags is not { Count: > 0 })
        {
            return head;
        }

        var full = head + ":" + string.Join(',', Tags);
        return System.Text.Encoding.UTF8.GetByteCount(full) < MaxPayloadBytes ? full : head;
    }

    public static ClusterSignalEvent? Parse(string? payload)
    {
        var parts = (payload ?? "").Split(':', 3);
        if (parts.Length < 2 || parts[0].Length == 0 || !long.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var version))
        {
            return null;
        }

        IReadOnlyList<string>? tags = parts.Length == 3 && parts[2].Length > 0 ? parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries) : null;
        return new ClusterSignalEvent(parts[0], version, tags);
    }
}

/// <summary>
/// Bumps a topic inside the caller's transaction (ADR 0021 §4). On PostgreSQL it also calls
/// <c>pg_notify</c> in that transaction, so the notification goes out if, and when, it commits;
/// every instance (this one included) hears it. This instance also handles it in process right
/// after the commit (<see cref="ClusterCommitInterceptor"/>), which is the only path on SQLite.
/// </summary>
public static class ClusterSignal
{
    /// <summary>
    /// Bumps <paramref name="topic"/> in <paramref name="db"/>'s open transaction and returns the new
    /// version. Call it between <c>BeginTransaction</c> and <c>Commit</c> of the change itself: a bump
    /// outside the change's transaction could announce a change that then rolls back.
    /// </summary>
    public static async Task<long> BumpAsync(PortalDbContext db, string topic, IReadOnlyCollection<string>? tags = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        var transaction = db.Database.CurrentTransaction
            ?? throw new InvalidOperationException($"ClusterSignal.BumpAsync({topic}) needs the change's open transaction.");
        var connection = db.Database.GetDbConnection();
        var dbTransaction = transaction.GetDbTransaction();

        long version;
        await using (var bump = connection.CreateCommand())
        {
            bump.Transaction = dbTransaction;
            // The same upsert on both providers (SQLite ≥ 3.35 has RETURNING); the row lock it takes
            // on PostgreSQL orders concurrent bumps of one topic.
            bump.CommandText = """
                INSERT INTO "ClusterVersions" ("Topic", "Version") VALUES (@topic, 1)
                ON CONFLICT ("Topic") DO UPDATE SET "Version" = "ClusterVersions"."Version" + 1
                RETURNING "Version"
                """;
            AddParameter(bump, "@topic", topic);
            version = Convert.ToInt64(await bump.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        }

        var signal = new ClusterSignalEvent(topic, version, tags is { Count: > 0 } ? [.. tags] : null);
        if (db.Database.IsNpgsql())
        {
            await using var notify = connection.CreateCommand();
            notify.Transaction = dbTransaction;
            notify.CommandText = "SELECT pg_notify(@channel, @payload)";
            AddParameter(notify, "@channel", ClusterSignalEvent.Channel);
            AddParameter(notify, "@payload", signal.ToPayload());
            await notify.ExecuteNonQueryAsync(cancellationToken);
        }

        db.PendingClusterSignals.Add(signal);
        return version;
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
