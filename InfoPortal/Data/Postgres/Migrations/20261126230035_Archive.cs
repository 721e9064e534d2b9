using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace InfoPortal.Data.Postgres.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Sequence = table.Column<long>(type: "bigint", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RequestId = table.Column<int>(type: "integer", nullable: false),
                    DepartmentId = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    ContentVersion = table.Column<int>(type: "integer", nullable: false),
                    ContentSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ContentJson = table.Column<string>(type: "text", nullable: false),
                    AttachmentsJson = table.Column<string>(type: "text", nullable: false),
                    ApprovalChainJson = table.Column<string>(type: "text", nullable: false),
                    ScreeningJson = table.Column<string>(type: "text", nullable: true),
                    FormPdfSha256 = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    PreviousHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
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

            // RAW SQL (Archive, PostgreSQL): archive records are permanent — the database refuses UPDATE and DELETE.
            migrationBuilder.Sql("""
                CREATE FUNCTION archive_records_permanent() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'archive records are permanent'; END; $$;
                """);
            migrationBuilder.Sql("""CREATE TRIGGER "ArchiveRecords_NoChange" BEFORE UPDATE OR DELETE ON "ArchiveRecords" FOR EACH ROW EXECUTE FUNCTION archive_records_permanent();""");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // RAW SQL (Archive, PostgreSQL)
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "ArchiveRecords_NoChange" ON "ArchiveRecords";""");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS archive_records_permanent();");

            migrationBuilder.DropTable(
                name: "ArchiveRecords");
        }
    }
}
