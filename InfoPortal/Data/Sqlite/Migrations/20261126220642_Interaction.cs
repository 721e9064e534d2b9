using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace InfoPortal.Data.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class Interaction : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "InteractionAttempts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 120, nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InteractionAttempts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InteractionMessages",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Ticket = table.Column<string>(type: "TEXT", maxLength: 48, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "TEXT", nullable: false),
                    SenderName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    Contact = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    CodeHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReceivedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    ReceivedOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    DueOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    DepartmentId = table.Column<int>(type: "INTEGER", nullable: true),
                    Flagged = table.Column<bool>(type: "INTEGER", nullable: false),
                    HasPersonalData = table.Column<bool>(type: "INTEGER", nullable: false),
                    ScreeningJson = table.Column<string>(type: "TEXT", nullable: false),
                    IsPublic = table.Column<bool>(type: "INTEGER", nullable: false),
                    HiddenReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    ReplyText = table.Column<string>(type: "TEXT", nullable: true),
                    ReplyDraftedById = table.Column<int>(type: "INTEGER", nullable: true),
                    ReplyDraftedByName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ReplyApprovedByName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    AnsweredOn = table.Column<DateOnly>(type: "TEXT", nullable: true),
                    ReplyMinutes = table.Column<int>(type: "INTEGER", nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InteractionMessages", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InteractionMessages_Departments_DepartmentId",
                        column: x => x.DepartmentId,
                        principalTable: "Departments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "InteractionMessageEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    MessageId = table.Column<int>(type: "INTEGER", nullable: false),
                    At = table.Column<long>(type: "INTEGER", nullable: false),
                    ActorId = table.Column<int>(type: "INTEGER", nullable: true),
                    ActorName = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    DepartmentId = table.Column<int>(type: "INTEGER", nullable: true),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InteractionMessageEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InteractionMessageEvents_InteractionMessages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "InteractionMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InteractionReminders",
                columns: table => new
                {
                    MessageId = table.Column<int>(type: "INTEGER", nullable: false),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InteractionReminders", x => new { x.MessageId, x.Day });
                    table.ForeignKey(
                        name: "FK_InteractionReminders_InteractionMessages_MessageId",
                        column: x => x.MessageId,
                        principalTable: "InteractionMessages",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InteractionAttempts_Key_At",
                table: "InteractionAttempts",
                columns: new[] { "Key", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_InteractionMessageEvents_MessageId",
                table: "InteractionMessageEvents",
                column: "MessageId");

            migrationBuilder.CreateIndex(
                name: "IX_InteractionMessages_DepartmentId",
                table: "InteractionMessages",
                column: "DepartmentId");

            migrationBuilder.CreateIndex(
                name: "IX_InteractionMessages_IsPublic_Status_AnsweredAt",
                table: "InteractionMessages",
                columns: new[] { "IsPublic", "Status", "AnsweredAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InteractionMessages_ReceivedOn",
                table: "InteractionMessages",
                column: "ReceivedOn");

            migrationBuilder.CreateIndex(
                name: "IX_InteractionMessages_Status_DepartmentId",
                table: "InteractionMessages",
                columns: new[] { "Status", "DepartmentId" });

            migrationBuilder.CreateIndex(
                name: "IX_InteractionMessages_Ticket",
                table: "InteractionMessages",
                column: "Ticket",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InteractionAttempts");

            migrationBuilder.DropTable(
                name: "InteractionMessageEvents");

            migrationBuilder.DropTable(
                name: "InteractionReminders");

            migrationBuilder.DropTable(
                name: "InteractionMessages");
        }
    }
}
