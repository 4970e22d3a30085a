using Agora.Storage;
using Microsoft.EntityFrameworkCore;

namespace Agora.Notification.Infrastructure;

/// <summary>
/// Notification's own database (templates and the delivery log): SQLite in the embedded mode, PostgreSQL in the
/// distributed one, each with its own migrations.
/// </summary>
public sealed class NotificationDbContext(DbContextOptions<NotificationDbContext> options) : DbContext(options)
{
    public DbSet<NotificationTemplate> Templates => Set<NotificationTemplate>();
    public DbSet<Delivery> Deliveries => Set<Delivery>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<NotificationTemplate>(e =>
        {
            e.ToTable("notification_templates");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.EventType).HasConversion<string>().HasMaxLength(40);
            e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(10);
            e.Property(x => x.Locale).HasMaxLength(10);
            e.Property(x => x.Subject).HasMaxLength(TemplateLimits.Subject);
            e.Property(x => x.Body).HasMaxLength(TemplateLimits.Body);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => new { x.EventType, x.Channel, x.Locale }).IsUnique();
        });

        modelBuilder.Entity<Delivery>(e =>
        {
            e.ToTable("deliveries");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.EventType).HasConversion<string>().HasMaxLength(40);
            e.Property(x => x.Channel).HasConversion<string>().HasMaxLength(10);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(10);
            e.Property(x => x.CustomerId).HasMaxLength(100);
            e.Property(x => x.OrderId).HasMaxLength(100);
            e.Property(x => x.Recipient).HasMaxLength(320);
            e.Property(x => x.Locale).HasMaxLength(10);
            e.Property(x => x.Subject).HasMaxLength(TemplateLimits.Subject * 2);
            e.Property(x => x.Body).HasMaxLength(TemplateLimits.Body * 2);
            e.Property(x => x.LastError).HasMaxLength(1000);
            e.HasIndex(x => new { x.EventId, x.Channel }).IsUnique();
            e.HasIndex(x => new { x.CustomerId, x.CreatedAt, x.Id });
            e.HasIndex(x => new { x.CreatedAt, x.Id });
        });

        modelBuilder.UseAgoraColumnConventions();
    }
}

/// <summary>How long a template's parts may be.</summary>
public static class TemplateLimits
{
    public const int Subject = 200;
    public const int Body = 10_000;
    public const int SmsBody = 1_000;
}
