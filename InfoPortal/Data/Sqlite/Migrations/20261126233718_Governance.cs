using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfoPortal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Governance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "ResponsibleDepartmentId",
                table: "Columns",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ColumnChangeRequests",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Site = table.Column<int>(type: "INTEGER", nullable: false),
                    ColumnId = table.Column<int>(type: "INTEGER", nullable: true),
                    TargetColumnId = table.Column<int>(type: "INTEGER", nullable: true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ParentId = table.Column<int>(type: "INTEGER", nullable: true),
                    StaleAfterDays = table.Column<int>(type: "INTEGER", nullable: true),
                    ResponsibleDepartmentId = table.Column<int>(type: "INTEGER", nullable: true),
                    LayoutJson = table.Column<string>(type: "TEXT", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    ProposedById = table.Column<int>(type: "INTEGER", nullable: false),
                    ProposedByName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ProposedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    DecidedById = table.Column<int>(type: "INTEGER", nullable: true),
                    DecidedByName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DecidedByRole = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    DecidedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    Opinion = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    AppliedById = table.Column<int>(type: "INTEGER", nullable: true),
                    AppliedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResultColumnId = table.Column<int>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ColumnChangeRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ColumnChangeRequests_Columns_ColumnId",
                        column: x => x.ColumnId,
                        principalTable: "Columns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_ColumnChangeRequests_Columns_TargetColumnId",
                        column: x => x.TargetColumnId,
                        principalTable: "Columns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "StaleColumnNotices",
                columns: table => new
                {
                    ColumnId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    DepartmentId = table.Column<int>(type: "INTEGER", nullable: true),
                    StaleSince = table.Column<long>(type: "INTEGER", nullable: false),
                    Recipients = table.Column<int>(type: "INTEGER", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StaleColumnNotices", x => new { x.ColumnId, x.Day });
                    table.ForeignKey(
                        name: "FK_StaleColumnNotices_Columns_ColumnId",
                        column: x => x.ColumnId,
                        principalTable: "Columns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Columns_ResponsibleDepartmentId",
                table: "Columns",
                column: "ResponsibleDepartmentId");

            migrationBuilder.CreateIndex(
                name: "IX_ColumnChangeRequests_ColumnId",
                table: "ColumnChangeRequests",
                column: "ColumnId");

            migrationBuilder.CreateIndex(
                name: "IX_ColumnChangeRequests_Status_Id",
                table: "ColumnChangeRequests",
                columns: new[] { "Status", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_ColumnChangeRequests_TargetColumnId",
                table: "ColumnChangeRequests",
                column: "TargetColumnId");

            migrationBuilder.AddForeignKey(
                name: "FK_Columns_Departments_ResponsibleDepartmentId",
                table: "Columns",
                column: "ResponsibleDepartmentId",
                principalTable: "Departments",
                principalColumn: "Id",
                onDelete: ReferentialAction.Restrict);

            // ---- RAW SQL (SQLite only; keep when regenerating this migration; see ADR 0019) ----
            // A second FTS5 index for one- and two-character queries: every character of the title
            // and body becomes a token (unicode61 over the text with a space after each character),
            // so "器械" is the phrase "器 械". Contentless (the text already lives in SearchDocuments), with
            // contentless_delete (SQLite 3.43+, bundled by SQLitePCLRaw 2.1.13) so rows delete by rowid.
            migrationBuilder.Sql("CREATE VIRTUAL TABLE search_chars USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61');");
            migrationBuilder.Sql("""
                CREATE TRIGGER SearchDocuments_chars_ai AFTER INSERT ON SearchDocuments BEGIN
                  INSERT INTO search_chars(rowid, title, body) VALUES (new.RequestId, (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < length(new.Title)) SELECT group_concat(substr(new.Title, i, 1), ' ' ORDER BY i) FROM s), (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < length(new.Body)) SELECT group_concat(substr(new.Body, i, 1), ' ' ORDER BY i) FROM s));
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER SearchDocuments_chars_ad AFTER DELETE ON SearchDocuments BEGIN
                  DELETE FROM search_chars WHERE rowid = old.RequestId;
                END;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER SearchDocuments_chars_au AFTER UPDATE ON SearchDocuments BEGIN
                  DELETE FROM search_chars WHERE rowid = old.RequestId;
                  INSERT INTO search_chars(rowid, title, body) VALUES (new.RequestId, (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < length(new.Title)) SELECT group_concat(substr(new.Title, i, 1), ' ' ORDER BY i) FROM s), (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < length(new.Body)) SELECT group_concat(substr(new.Body, i, 1), ' ' ORDER BY i) FROM s));
                END;
                """);
            migrationBuilder.Sql("""
                INSERT INTO search_chars(rowid, title, body)
                SELECT RequestId, (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < length(Title)) SELECT group_concat(substr(Title, i, 1), ' ' ORDER BY i) FROM s), (WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < length(Body)) SELECT group_concat(substr(Body, i, 1), ' ' ORDER BY i) FROM s) FROM SearchDocuments;
                """);
            // ---- end RAW SQL ----
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // ---- RAW SQL (SQLite only) ----
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS SearchDocuments_chars_ai;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS SearchDocuments_chars_ad;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS SearchDocuments_chars_au;");
            migrationBuilder.Sql("DROP TABLE IF EXISTS search_chars;");
            // ---- end RAW SQL ----

            migrationBuilder.DropForeignKey(
                name: "FK_Columns_Departments_ResponsibleDepartmentId",
                table: "Columns");

            migrationBuilder.DropTable(
                name: "ColumnChangeRequests");

            migrationBuilder.DropTable(
                name: "StaleColumnNotices");

            migrationBuilder.DropIndex(
                name: "IX_Columns_ResponsibleDepartmentId",
                table: "Columns");

            migrationBuilder.DropColumn(
                name: "ResponsibleDepartmentId",
                table: "Columns");
        }
    }
}
