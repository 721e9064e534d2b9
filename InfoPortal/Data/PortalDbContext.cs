using InfoPortal.Features.Accounts;
using InfoPortal.Infrastructure.Security;
using InfoPortal.Features.Audit;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace InfoPortal.Data;

/// <summary>
/// The one EF Core model. SQLite uses this class and the migrations in Data/Sqlite;
/// PostgreSQL uses <see cref="PostgresPortalDbContext"/> and the migrations in Data/Postgres.
/// </summary>
public partial class PortalDbContext : IdentityDbContext<AppUser, AppRole, int>, IDataProtectionKeyContext
{
    public PortalDbContext(DbContextOptions<PortalDbContext> options) : base(options)
    {
    }

    protected PortalDbContext(DbContextOptions options) : base(options)
    {
    }

    public DbSet<Department> Departments => Set<Department>();

    public DbSet<UserSession> UserSessions => Set<UserSession>();

    public DbSet<AccessToken> AccessTokens => Set<AccessToken>();

    public DbSet<AuditRecord> AuditRecords => Set<AuditRecord>();

    public DbSet<AuditHead> AuditHeads => Set<AuditHead>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Features.Columns.Column> Columns => Set<Features.Columns.Column>();

    public DbSet<Features.Requests.ReviewChain> ReviewChains => Set<Features.Requests.ReviewChain>();

    public DbSet<Features.Requests.PublicationRequest> Requests => Set<Features.Requests.PublicationRequest>();

    public DbSet<Features.Requests.ContentVersionRecord> ContentVersions => Set<Features.Requests.ContentVersionRecord>();

    public DbSet<Features.Requests.Decision> Decisions => Set<Features.Requests.Decision>();

    public DbSet<Features.Requests.Attachment> Attachments => Set<Features.Requests.Attachment>();

    public DbSet<Features.Requests.Publication> Publications => Set<Features.Requests.Publication>();

    public DbSet<Features.Requests.RequestColumn> RequestColumns => Set<Features.Requests.RequestColumn>();

    public DbSet<Features.Publishing.Takedown> Takedowns => Set<Features.Publishing.Takedown>();

    public DbSet<Features.Notifications.Notification> Notifications => Set<Features.Notifications.Notification>();

    public DbSet<Features.Review.OverdueReminder> OverdueReminders => Set<Features.Review.OverdueReminder>();

    public DbSet<Features.Search.SearchDocument> SearchDocuments => Set<Features.Search.SearchDocument>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        if (Database.IsSqlite())
        {
            // SQLite cannot order or compare DateTimeOffset stored as text; store UTC ticks instead.
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
            configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(PortalDbContext).Assembly);
    }
}

/// <summary>The PostgreSQL flavour of the model; exists so its migrations live apart from SQLite's.</summary>
public sealed class PostgresPortalDbContext(DbContextOptions<PostgresPortalDbContext> options) : PortalDbContext(options);
