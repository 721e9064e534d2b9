using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfoPortal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class SearchTextGrams : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The site search of one or two characters (ADR 0052); portal_text_grams came with RequestTextGrams.
            foreach (var sql in SchemaGuards.PostgresSearchGrams)
            {
                migrationBuilder.Sql(sql);
            }
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            foreach (var sql in SchemaGuards.PostgresSearchGramsDrop)
            {
                migrationBuilder.Sql(sql);
            }
        }
    }
}
