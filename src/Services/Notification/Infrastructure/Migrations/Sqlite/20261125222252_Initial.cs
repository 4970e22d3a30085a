using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Notification.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "deliveries",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    event_id = table.Column<Guid>(type: "TEXT", nullable: false),
                    event_type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    customer_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    order_id = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    recipient = table.Column<string>(type: "TEXT", maxLength: 320, nullable: false),
                    locale = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    subject = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true),
                    body = table.Column<string>(type: "TEXT", maxLength: 20000, nullable: true),
                    status = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    last_error = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true),
                    claimed_by = table.Column<Guid>(type: "TEXT", nullable: true),
                    claimed_until = table.Column<DateTime>(type: "TEXT", nullable: true),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    sent_at = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_deliveries", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "notification_templates",
                columns: table => new
                {
                    id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    event_type = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    locale = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    subject = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    body = table.Column<string>(type: "TEXT", maxLength: 10000, nullable: false),
                    created_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    updated_at = table.Column<DateTime>(type: "TEXT", nullable: false),
                    version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_templates", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_created_at_id",
                table: "deliveries",
                columns: new[] { "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_customer_id_created_at_id",
                table: "deliveries",
                columns: new[] { "customer_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_deliveries_event_id_channel",
                table: "deliveries",
                columns: new[] { "event_id", "channel" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_notification_templates_event_type_channel_locale",
                table: "notification_templates",
                columns: new[] { "event_type", "channel", "locale" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "deliveries");

            migrationBuilder.DropTable(
                name: "notification_templates");
        }
    }
}
