using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Agora.Catalog.Infrastructure.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ProductListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_products_category_id_created_at_id",
                table: "products",
                columns: new[] { "category_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_products_category_id_name_id",
                table: "products",
                columns: new[] { "category_id", "name", "id" });

            migrationBuilder.CreateIndex(
                name: "IX_products_category_id_price_minor_id",
                table: "products",
                columns: new[] { "category_id", "price_minor", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_products_category_id_created_at_id",
                table: "products");

            migrationBuilder.DropIndex(
                name: "IX_products_category_id_name_id",
                table: "products");

            migrationBuilder.DropIndex(
                name: "IX_products_category_id_price_minor_id",
                table: "products");
        }
    }
}
