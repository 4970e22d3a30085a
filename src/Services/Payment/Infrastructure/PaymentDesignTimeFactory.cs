using Agora.Storage;
using Microsoft.EntityFrameworkCore.Design;

namespace Agora.Payment.Infrastructure;

/// <summary>For <c>dotnet ef migrations add</c>; see <c>scripts/add-migration.sh</c>.</summary>
internal sealed class PaymentDesignTimeFactory : IDesignTimeDbContextFactory<PaymentDbContext>
{
    public PaymentDbContext CreateDbContext(string[] args) => new(DesignTime.Options<PaymentDbContext>());
}
