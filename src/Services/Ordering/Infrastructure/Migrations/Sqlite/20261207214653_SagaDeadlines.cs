using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Ordering.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SagaDeadlines : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "saga_deadlines",
                columns: table => new
                {
                    order_id = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    step = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    attempt = table.Column<int>(type: "INTEGER", nullable: false),
                    due_at = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_saga_deadlines", x => x.order_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_saga_deadlines_due_at",
                table: "saga_deadlines",
                column: "due_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "saga_deadlines");
        }
    }
}
