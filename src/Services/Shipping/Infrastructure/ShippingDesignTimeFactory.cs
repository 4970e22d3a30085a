using Agora.Storage;
using Microsoft.EntityFrameworkCore.Design;

namespace Agora.Shipping.Infrastructure;

/// <summary>For <c>dotnet ef migrations add</c>; see <c>scripts/add-migration.sh</c>.</summary>
internal sealed class ShippingDesignTimeFactory : IDesignTimeDbContextFactory<ShippingDbContext>
{
    public ShippingDbContext CreateDbContext(string[] args) => new(DesignTime.Options<ShippingDbContext>());
}
