using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace InfoPortal.Data;

// Used only by `dotnet ef migrations add`; the running app builds its contexts in DatabaseModule.

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<PortalDbContext>
{
    public PortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PortalDbContext>();
        DatabaseModule.ConfigureSqlite(options, "Data Source=design-time.db");
        return new PortalDbContext(options.Options);
    }
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresPortalDbContext>
{
    public PostgresPortalDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<PostgresPortalDbContext>();
        DatabaseModule.ConfigurePostgres(options, "Host=localhost;Database=infoportal_design");
        return new PostgresPortalDbContext(options.Options);
    }
}
