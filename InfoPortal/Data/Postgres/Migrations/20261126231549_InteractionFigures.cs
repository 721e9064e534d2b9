using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfoPortal.Data.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class InteractionFigures : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<double>(
                name: "MedianReplyHours",
                table: "MonthlyStatistics",
                type: "double precision",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MessagesAnswered",
                table: "MonthlyStatistics",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "MessagesAnsweredOnTime",
                table: "MonthlyStatistics",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "MessagesLate",
                table: "MonthlyStatistics",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "MessagesReceived",
                table: "MonthlyStatistics",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "LateReplies",
                table: "AssessmentScores",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "OnTimeReplies",
                table: "AssessmentScores",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "MedianReplyHours",
                table: "MonthlyStatistics");

            migrationBuilder.DropColumn(
                name: "MessagesAnswered",
                table: "MonthlyStatistics");

            migrationBuilder.DropColumn(
                name: "MessagesAnsweredOnTime",
                table: "MonthlyStatistics");

            migrationBuilder.DropColumn(
                name: "MessagesLate",
                table: "MonthlyStatistics");

            migrationBuilder.DropColumn(
                name: "MessagesReceived",
                table: "MonthlyStatistics");

            migrationBuilder.DropColumn(
                name: "LateReplies",
                table: "AssessmentScores");

            migrationBuilder.DropColumn(
                name: "OnTimeReplies",
                table: "AssessmentScores");
        }
    }
}
