namespace InfoPortal.Data;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>
/// Where the data lives. Keys scripts rely on: <c>Database:Provider</c>, <c>ConnectionStrings:Portal</c>,
/// <c>Storage:Root</c>. Relative paths are taken from the content root.
/// </summary>
public sealed record DatabaseSettings(DatabaseProvider Provider, string ConnectionString, string StorageRoot)
{
    public static DatabaseSettings From(IConfiguration configuration, string contentRoot)
    {
        var providerText = configuration["Database:Provider"];
        var provider = string.IsNullOrWhiteSpace(providerText) || providerText.Equals("Sqlite", StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Sqlite
            : providerText.Equals("Postgres", StringComparison.OrdinalIgnoreCase) || providerText.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase)
                ? DatabaseProvider.Postgres
                : throw new InvalidOperationException($"Database:Provider '{providerText}' is not known; use Sqlite or Postgres.");

        var dataFolder = Path.GetFullPath(configuration["Database:DataFolder"] is { Length: > 0 } folder ? folder : "data", contentRoot);
        var storageRoot = configuration["Storage:Root"] is { Length: > 0 } root
            ? Path.GetFullPath(root, contentRoot)
            : Path.Combine(dataFolder, "files");

        var connectionString = configuration.GetConnectionString("Portal");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = provider == DatabaseProvider.Sqlite
                ? $"Data Source={Path.Combine(dataFolder, "portal.db")}"
                : throw new InvalidOperationException("ConnectionStrings:Portal must be set when Database:Provider is Postgres.");
        }

        if (provider == DatabaseProvider.Sqlite)
        {
            connectionString = NormaliseSqlite(connectionString, contentRoot);
        }

        return new DatabaseSettings(provider, connectionString, storageRoot);
    }

    private static string NormaliseSqlite(string connectionString, string contentRoot)
    {
        var builder = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } source && source != ":memory:" && !source.StartsWith("file:", StringComparison.Ordinal))
        {
            builder.DataSource = Path.GetFullPath(source, contentRoot);
        }

        // Seconds a writer waits for the lock before SQLITE_BUSY (Microsoft.Data.Sqlite's busy timeout).
        if (builder.DefaultTimeout == 30)
        {
            builder.DefaultTimeout = 15;
        }

        builder.ForeignKeys = true;
        return builder.ToString();
    }

    public string? SqliteFilePath => Provider == DatabaseProvider.Sqlite
        ? new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(ConnectionString).DataSource
        : null;
}
