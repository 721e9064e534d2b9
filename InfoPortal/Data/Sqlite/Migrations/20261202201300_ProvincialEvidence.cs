using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfoPortal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class ProvincialEvidence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateOnly>(
                name: "ApprovalDate",
                table: "Decisions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ApprovalNumber",
                table: "Decisions",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ApprovalScanName",
                table: "Decisions",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ApprovalScanSha256",
                table: "Decisions",
                type: "TEXT",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ApprovingAuthority",
                table: "Decisions",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ApprovalDate",
                table: "Decisions");

            migrationBuilder.DropColumn(
                name: "ApprovalNumber",
                table: "Decisions");

            migrationBuilder.DropColumn(
                name: "ApprovalScanName",
                table: "Decisions");

            migrationBuilder.DropColumn(
                name: "ApprovalScanSha256",
                table: "Decisions");

            migrationBuilder.DropColumn(
                name: "ApprovingAuthority",
                table: "Decisions");
        }
    }
}
