using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace InfoPortal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class Statistics : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "UsedByHigherAuthorities",
                table: "Requests",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "StepStartedAt",
                table: "Decisions",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AnnualAssessments",
                columns: table => new
                {
                    Year = table.Column<int>(type: "integer", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    RulesJson = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AnnualAssessments", x => x.Year);
                });

            migrationBuilder.CreateTable(
                name: "AssessmentAdjustments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    DepartmentId = table.Column<int>(type: "integer", nullable: false),
                    Points = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false),
                    Reason = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ByUserId = table.Column<int>(type: "integer", nullable: false),
                    ByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssessmentAdjustments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AssessmentAdjustments_Departments_DepartmentId",
                        column: x => x.DepartmentId,
                        principalTable: "Departments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "AssessmentScores",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    DepartmentId = table.Column<int>(type: "integer", nullable: false),
                    Published = table.Column<int>(type: "integer", nullable: false),
                    Timely = table.Column<int>(type: "integer", nullable: false),
                    UsedByHigherAuthorities = table.Column<int>(type: "integer", nullable: false),
                    Returned = table.Column<int>(type: "integer", nullable: false),
                    TakenDown = table.Column<int>(type: "integer", nullable: false),
                    Points = table.Column<decimal>(type: "numeric(12,2)", precision: 12, scale: 2, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AssessmentScores", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AssessmentScores_Departments_DepartmentId",
                        column: x => x.DepartmentId,
                        principalTable: "Departments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MonthlyStatistics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Month = table.Column<int>(type: "integer", nullable: false),
                    DepartmentId = table.Column<int>(type: "integer", nullable: false),
                    ColumnId = table.Column<int>(type: "integer", nullable: false),
                    Drafted = table.Column<int>(type: "integer", nullable: false),
                    Submitted = table.Column<int>(type: "integer", nullable: false),
                    Approved = table.Column<int>(type: "integer", nullable: false),
                    Returned = table.Column<int>(type: "integer", nullable: false),
                    Published = table.Column<int>(type: "integer", nullable: false),
                    Timely = table.Column<int>(type: "integer", nullable: false),
                    TakenDown = table.Column<int>(type: "integer", nullable: false),
                    OverdueSteps = table.Column<int>(type: "integer", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonthlyStatistics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MonthlyStatistics_Departments_DepartmentId",
                        column: x => x.DepartmentId,
                        principalTable: "Departments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MonthlyStatisticsRuns",
                columns: table => new
                {
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Month = table.Column<int>(type: "integer", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonthlyStatisticsRuns", x => new { x.Year, x.Month });
                });

            migrationBuilder.CreateTable(
                name: "MonthlyStepStatistics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Month = table.Column<int>(type: "integer", nullable: false),
                    DepartmentId = table.Column<int>(type: "integer", nullable: false),
                    Role = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Decisions = table.Column<int>(type: "integer", nullable: false),
                    MedianHours = table.Column<double>(type: "double precision", nullable: false),
                    P90Hours = table.Column<double>(type: "double precision", nullable: false),
                    OverdueSteps = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MonthlyStepStatistics", x => x.Id);
                    table.ForeignKey(
                        name: "FK_MonthlyStepStatistics_Departments_DepartmentId",
                        column: x => x.DepartmentId,
                        principalTable: "Departments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "QuarterlyBulletins",
                columns: table => new
                {
                    Year = table.Column<int>(type: "integer", nullable: false),
                    Quarter = table.Column<int>(type: "integer", nullable: false),
                    ComputedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReportJson = table.Column<string>(type: "text", nullable: false),
                    RequestId = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_QuarterlyBulletins", x => new { x.Year, x.Quarter });
                    table.ForeignKey(
                        name: "FK_QuarterlyBulletins_Requests_RequestId",
                        column: x => x.RequestId,
                        principalTable: "Requests",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Requests_ApprovedAt_DepartmentId",
                table: "Requests",
                columns: new[] { "ApprovedAt", "DepartmentId" });

            migrationBuilder.CreateIndex(
                name: "IX_Requests_CreatedAt_DepartmentId",
                table: "Requests",
                columns: new[] { "CreatedAt", "DepartmentId" });

            migrationBuilder.CreateIndex(
                name: "IX_Requests_PublishedAt_DepartmentId_EventDate",
                table: "Requests",
                columns: new[] { "PublishedAt", "DepartmentId", "EventDate" });

            migrationBuilder.CreateIndex(
                name: "IX_Requests_SubmittedAt_DepartmentId",
                table: "Requests",
                columns: new[] { "SubmittedAt", "DepartmentId" });

            migrationBuilder.CreateIndex(
                name: "IX_Requests_TakenDownAt_DepartmentId",
                table: "Requests",
                columns: new[] { "TakenDownAt", "DepartmentId" });

            migrationBuilder.CreateIndex(
                name: "IX_Decisions_DecidedAt_RequestId_Outcome_Role_StepStartedAt",
                table: "Decisions",
                columns: new[] { "DecidedAt", "RequestId", "Outcome", "Role", "StepStartedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AssessmentAdjustments_DepartmentId",
                table: "AssessmentAdjustments",
                column: "DepartmentId");

            migrationBuilder.CreateIndex(
                name: "IX_AssessmentAdjustments_Year_DepartmentId",
                table: "AssessmentAdjustments",
                columns: new[] { "Year", "DepartmentId" });

            migrationBuilder.CreateIndex(
                name: "IX_AssessmentScores_DepartmentId",
                table: "AssessmentScores",
                column: "DepartmentId");

            migrationBuilder.CreateIndex(
                name: "IX_AssessmentScores_Year_DepartmentId",
                table: "AssessmentScores",
                columns: new[] { "Year", "DepartmentId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MonthlyStatistics_DepartmentId",
                table: "MonthlyStatistics",
                column: "DepartmentId");

            migrationBuilder.CreateIndex(
                name: "IX_MonthlyStatistics_Year_Month_DepartmentId_ColumnId",
                table: "MonthlyStatistics",
                columns: new[] { "Year", "Month", "DepartmentId", "ColumnId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_MonthlyStepStatistics_DepartmentId",
                table: "MonthlyStepStatistics",
                column: "DepartmentId");

            migrationBuilder.CreateIndex(
                name: "IX_MonthlyStepStatistics_Year_Month_DepartmentId_Role",
                table: "MonthlyStepStatistics",
                columns: new[] { "Year", "Month", "DepartmentId", "Role" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_QuarterlyBulletins_RequestId",
                table: "QuarterlyBulletins",
                column: "RequestId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AnnualAssessments");

            migrationBuilder.DropTable(
                name: "AssessmentAdjustments");

            migrationBuilder.DropTable(
                name: "AssessmentScores");

            migrationBuilder.DropTable(
                name: "MonthlyStatistics");

            migrationBuilder.DropTable(
                name: "MonthlyStatisticsRuns");

            migrationBuilder.DropTable(
                name: "MonthlyStepStatistics");

            migrationBuilder.DropTable(
                name: "QuarterlyBulletins");

            migrationBuilder.DropIndex(
                name: "IX_Requests_ApprovedAt_DepartmentId",
                table: "Requests");

            migrationBuilder.DropIndex(
                name: "IX_Requests_CreatedAt_DepartmentId",
                table: "Requests");

            migrationBuilder.DropIndex(
                name: "IX_Requests_PublishedAt_DepartmentId_EventDate",
                table: "Requests");

            migrationBuilder.DropIndex(
                name: "IX_Requests_SubmittedAt_DepartmentId",
                table: "Requests");

            migrationBuilder.DropIndex(
                name: "IX_Requests_TakenDownAt_DepartmentId",
                table: "Requests");

            migrationBuilder.DropIndex(
                name: "IX_Decisions_DecidedAt_RequestId_Outcome_Role_StepStartedAt",
                table: "Decisions");

            migrationBuilder.DropColumn(
                name: "UsedByHigherAuthorities",
                table: "Requests");

            migrationBuilder.DropColumn(
                name: "StepStartedAt",
                table: "Decisions");
        }
    }
}
