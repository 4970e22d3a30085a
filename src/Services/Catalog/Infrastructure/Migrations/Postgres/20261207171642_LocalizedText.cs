using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Catalog.Infrastructure.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class LocalizedText : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "description_ko",
                table: "products",
                type: "character varying(4000)",
                maxLength: 4000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "name_ko",
                table: "products",
                type: "character varying(200)",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "description_ko",
                table: "categories",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "name_ko",
                table: "categories",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "description_ko",
                table: "products");

            migrationBuilder.DropColumn(
                name: "name_ko",
                table: "products");

            migrationBuilder.DropColumn(
                name: "description_ko",
                table: "categories");

            migrationBuilder.DropColumn(
                name: "name_ko",
                table: "categories");
        }
    }
}
