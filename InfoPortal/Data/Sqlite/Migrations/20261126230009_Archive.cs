using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfoPortal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Archive : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ArchiveRecords",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RequestId = table.Column<int>(type: "INTEGER", nullable: false),
                    DepartmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    ContentVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    ContentSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ContentJson = table.Column<string>(type: "TEXT", nullable: false),
                    AttachmentsJson = table.Column<string>(type: "TEXT", nullable: false),
                    ApprovalChainJson = table.Column<string>(type: "TEXT", nullable: false),
                    ScreeningJson = table.Column<string>(type: "TEXT", nullable: true),
                    FormPdfSha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    PreviousHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ArchiveRecords", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveRecords_DepartmentId_CreatedAt",
                table: "ArchiveRecords",
                columns: new[] { "DepartmentId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveRecords_RequestId",
                table: "ArchiveRecords",
                column: "RequestId");

            migrationBuilder.CreateIndex(
                name: "IX_ArchiveRecords_Sequence",
                table: "ArchiveRecords",
                column: "Sequence",
                unique: true);

            // RAW SQL (Archive, SQLite): archive records are permanent — the database refuses UPDATE and DELETE.
            migrationBuilder.Sql("CREATE TRIGGER ArchiveRecords_NoUpdate BEFORE UPDATE ON ArchiveRecords BEGIN SELECT RAISE(ABORT, 'archive records are permanent'); END;");
            migrationBuilder.Sql("CREATE TRIGGER ArchiveRecords_NoDelete BEFORE DELETE ON ArchiveRecords BEGIN SELECT RAISE(ABORT, 'archive records are permanent'); END;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // RAW SQL (Archive, SQLite)
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ArchiveRecords_NoUpdate;");
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS ArchiveRecords_NoDelete;");

            migrationBuilder.DropTable(
                name: "ArchiveRecords");
        }
    }
}
