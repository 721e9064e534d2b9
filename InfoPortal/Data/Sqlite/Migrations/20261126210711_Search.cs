using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfoPortal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SearchDocuments",
                columns: table => new
                {
                    RequestId = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    OnExternalSite = table.Column<bool>(type: "INTEGER", nullable: false),
                    OnInternalSite = table.Column<bool>(type: "INTEGER", nullable: false),
                    PublishedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SearchDocuments", x => x.RequestId);
                    table.ForeignKey(
                        name: "FK_SearchDocuments_Requests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "Requests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SearchDocuments_PublishedAt",
                table: "SearchDocuments",
                column: "PublishedAt");

            // Full-text index for queries of 3+ characters (trigram tokenizer), kept in step by triggers.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize='trigram');");
            migrationBuilder.Sql("CREATE TRIGGER SearchDocuments_ai AFTER INSERT ON SearchDocuments BEGIN INSERT INTO search_fts(rowid, title, body) VALUES (new.RequestId, new.Title, new.Body); END;");
            migrationBuilder.Sql("CREATE TRIGGER SearchDocuments_ad AFTER DELETE ON SearchDocuments BEGIN DELETE FROM search_fts WHERE rowid = old.RequestId; END;");
            migrationBuilder.Sql("CREATE TRIGGER SearchDocuments_au AFTER UPDATE ON SearchDocuments BEGIN DELETE FROM search_fts WHERE rowid = old.RequestId; INSERT INTO search_fts(rowid, title, body) VALUES (new.RequestId, new.Title, new.Body); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS SearchDocuments_ai;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS SearchDocuments_ad;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS SearchDocuments_au;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS search_fts;");

            migrationBuilder.DropTable(
                name: "SearchDocuments");
        }
    }
}
