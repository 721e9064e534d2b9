using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace InfoPortal.Data.Postgres.Migrations
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
                type: "integer",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ColumnChangeRequests",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Site = table.Column<int>(type: "integer", nullable: false),
                    ColumnId = table.Column<int>(type: "integer", nullable: true),
                    TargetColumnId = table.Column<int>(type: "integer", nullable: true),
                    Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ParentId = table.Column<int>(type: "integer", nullable: true),
                    StaleAfterDays = table.Column<int>(type: "integer", nullable: true),
                    ResponsibleDepartmentId = table.Column<int>(type: "integer", nullable: true),
                    LayoutJson = table.Column<string>(type: "text", nullable: false),
                    Reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ProposedById = table.Column<int>(type: "integer", nullable: false),
                    ProposedByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ProposedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    DecidedById = table.Column<int>(type: "integer", nullable: true),
                    DecidedByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    DecidedByRole = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    DecidedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    Opinion = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AppliedById = table.Column<int>(type: "integer", nullable: true),
                    AppliedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResultColumnId = table.Column<int>(type: "integer", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
                    ColumnId = table.Column<int>(type: "integer", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    DepartmentId = table.Column<int>(type: "integer", nullable: true),
                    StaleSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Recipients = table.Column<int>(type: "integer", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
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
