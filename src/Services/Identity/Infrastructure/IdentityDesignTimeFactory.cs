using Agora.Storage;
using Microsoft.EntityFrameworkCore.Design;

namespace Agora.Identity.Infrastructure;

/// <summary>For <c>scripts/add-migration.sh Identity &lt;Name&gt;</c>.</summary>
internal sealed class IdentityDesignTimeFactory : IDesignTimeDbContextFactory<IdentityDbContext>
{
    public IdentityDbContext CreateDbContext(string[] args) => new(DesignTime.Options<IdentityDbContext>());
}
