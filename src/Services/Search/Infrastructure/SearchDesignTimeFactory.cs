using Agora.Storage;
using Microsoft.EntityFrameworkCore.Design;

namespace Agora.Search.Infrastructure;

/// <summary>For <c>dotnet ef migrations add</c>; see <c>scripts/add-migration.sh</c>.</summary>
internal sealed class SearchDesignTimeFactory : IDesignTimeDbContextFactory<SearchDbContext>
{
    public SearchDbContext CreateDbContext(string[] args) => new(DesignTime.Options<SearchDbContext>());
}
