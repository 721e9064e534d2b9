using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace InfoPortal.Data;

/// <summary>
/// Per-connection SQLite settings: full fsync on commit (an approval must survive a power cut)
/// and a busy timeout so concurrent writers wait instead of failing. WAL is set once, at start-up.
/// The settings belong to the physical connection, which Microsoft.Data.Sqlite pools: they are
/// sent once per native handle, not on every Open (EF opens and closes the pooled connection for
/// each query, and preparing the pragmas was ~5 % of a public page's time — ADR 0028).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    private const string Pragmas = "PRAGMA synchronous=FULL; PRAGMA busy_timeout=15000; PRAGMA foreign_keys=ON;";

    private static readonly ConditionalWeakTable<object, object> Configured = [];

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!IsNew(connection))
        {
            return;
        }

        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!IsNew(connection))
        {
            return;
        }

        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>True the first time this native handle is seen (a connection without a handle is always new).</summary>
    private static bool IsNew(DbConnection connection) =>
        connection is not SqliteConnection { Handle: { } handle } || Configured.TryAdd(handle, handle);
}
