using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfoPortal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class RequestTextGrams : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in SchemaGuards.PostgresRequestGrams)
            {
                migrationBuilder.Sql(sql);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in SchemaGuards.PostgresRequestGramsDrop)
            {
                migrationBuilder.Sql(sql);
            }
        }
    }
}
