using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace InfoPortal.Data.Postgres.Migrations
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InteractionAttempts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InteractionMessages",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Ticket = table.Column<string>(type: "character varying(48)", maxLength: 48, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    SenderName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    Contact = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    CodeHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReceivedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ReceivedOn = table.Column<DateOnly>(type: "date", nullable: false),
                    DueOn = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    DepartmentId = table.Column<int>(type: "integer", nullable: true),
                    Flagged = table.Column<bool>(type: "boolean", nullable: false),
                    HasPersonalData = table.Column<bool>(type: "boolean", nullable: false),
                    ScreeningJson = table.Column<string>(type: "text", nullable: false),
                    IsPublic = table.Column<bool>(type: "boolean", nullable: false),
                    HiddenReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    ReplyText = table.Column<string>(type: "text", nullable: true),
                    ReplyDraftedById = table.Column<int>(type: "integer", nullable: true),
                    ReplyDraftedByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ReplyApprovedByName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    AnsweredOn = table.Column<DateOnly>(type: "date", nullable: true),
                    ReplyMinutes = table.Column<int>(type: "integer", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MessageId = table.Column<int>(type: "integer", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ActorId = table.Column<int>(type: "integer", nullable: true),
                    ActorName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    DepartmentId = table.Column<int>(type: "integer", nullable: true),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
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
                    MessageId = table.Column<int>(type: "integer", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
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
