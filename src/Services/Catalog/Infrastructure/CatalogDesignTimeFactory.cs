using Agora.Storage;
using Microsoft.EntityFrameworkCore.Design;

namespace Agora.Catalog.Infrastructure;

/// <summary>For <c>dotnet ef migrations add</c>; see <c>scripts/add-migration.sh</c>.</summary>
internal sealed class CatalogDesignTimeFactory : IDesignTimeDbContextFactory<CatalogDbContext>
{
    public CatalogDbContext CreateDbContext(string[] args) => new(DesignTime.Options<CatalogDbContext>());
}
