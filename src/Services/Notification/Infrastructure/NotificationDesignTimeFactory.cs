using Agora.Storage;
using Microsoft.EntityFrameworkCore.Design;

namespace Agora.Notification.Infrastructure;

/// <summary>For <c>dotnet ef migrations add</c>; see <c>scripts/add-migration.sh</c>.</summary>
internal sealed class NotificationDesignTimeFactory : IDesignTimeDbContextFactory<NotificationDbContext>
{
    public NotificationDbContext CreateDbContext(string[] args) => new(DesignTime.Options<NotificationDbContext>());
}
