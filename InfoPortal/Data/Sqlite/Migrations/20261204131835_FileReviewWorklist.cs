using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfoPortal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class FileReviewWorklist : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_AuditRecords_Action_Outcome_Target",
                table: "AuditRecords",
                columns: new[] { "Action", "Outcome", "Target" });

            migrationBuilder.CreateIndex(
                name: "IX_AttachmentTexts_Note",
                table: "AttachmentTexts",
                column: "Note");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuditRecords_Action_Outcome_Target",
                table: "AuditRecords");

            migrationBuilder.DropIndex(
                name: "IX_AttachmentTexts_Note",
                table: "AttachmentTexts");
        }
    }
}
