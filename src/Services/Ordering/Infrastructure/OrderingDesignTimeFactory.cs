using Agora.Storage;
using Microsoft.EntityFrameworkCore.Design;

namespace Agora.Ordering.Infrastructure;

/// <summary>For <c>dotnet ef migrations add</c>; see <c>scripts/add-migration.sh</c>.</summary>
internal sealed class OrderingDesignTimeFactory : IDesignTimeDbContextFactory<OrderingDbContext>
{
    public OrderingDbContext CreateDbContext(string[] args) => new(DesignTime.Options<OrderingDbContext>());
}
