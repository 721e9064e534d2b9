using InfoPortal.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;

namespace InfoPortal.Tests.Data;

/// <summary>
/// The app runs on compiled models (ADR 0053). A model change without
/// <c>dotnet ef dbcontext optimize</c> would leave the app on the old model: this test builds the
/// model from the code and compares it, table by table and column by column, with the compiled one.
/// </summary>
public sealed class CompiledModelTests
{
    public static TheoryData<string> Providers => new() { "Sqlite", "Postgres" };

    [Theory]
    [MemberData(nameof(Providers))]
    public void CompiledModel_MatchesTheModelBuiltFromTheCode(string provider)
    {
        using PortalDbContext fromCode = provider == "Postgres"
            ? new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql("Host=unused").Options)
            : new PortalDbContext(new DbContextOptionsBuilder<PortalDbContext>().UseSqlite("Data Source=:memory:").Options);
        IModel compiled = provider == "Postgres"
            ? InfoPortal.Data.Postgres.CompiledModel.PostgresPortalDbContextModel.Instance
            : InfoPortal.Data.Sqlite.CompiledModel.PortalDbContextModel.Instance;

        var code = fromCode.GetService<IDesignTimeModel>().Model;
        // Entities, properties, keys, indexes, navigations; then tables, columns with their store
        // types and nullability, indexes and foreign keys as the database sees them.
        // Entity by entity: the shared compiled model also collects the ad-hoc types that raw SQL
        // queries (SqlQuery<T>) add at run time, which are no part of the schema.
        const MetadataDebugStringOptions Shape = MetadataDebugStringOptions.IncludePropertyIndexes;
        static List<string> Entities(IModel model) => [.. model.GetEntityTypes().OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => e.ToDebugString(Shape))];
        static List<string> Tables(IModel model) => [.. model.GetRelationalModel().Tables.OrderBy(t => t.SchemaQualifiedName, StringComparer.Ordinal).Select(t => t.ToDebugString(Shape))];
        Assert.Equal(Entities(code), Entities(compiled));
        Assert.Equal(Tables(code), Tables(compiled));
    }
}
