using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Identity.Infrastructure.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ProtectSigningKeys : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.RenameColumn(
                name: "private_key_pem",
                table: "signing_keys",
                newName: "protected_private_key");

            migrationBuilder.CreateTable(
                name: "data_protection_keys",
                columns: table => new
                {
                    id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    friendly_name = table.Column<string>(type: "TEXT", nullable: true),
                    xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_data_protection_keys", x => x.id);
                });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "data_protection_keys");

            migrationBuilder.RenameColumn(
                name: "protected_private_key",
                table: "signing_keys",
                newName: "private_key_pem");
        }
    }
}
