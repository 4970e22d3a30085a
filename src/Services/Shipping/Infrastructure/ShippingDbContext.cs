using Agora.Storage;
using Microsoft.EntityFrameworkCore;

namespace Agora.Shipping.Infrastructure;

/// <summary>
/// Shipping's own database: SQLite in the embedded mode, PostgreSQL in the distributed one, each with its own migrations
/// (<c>Migrations/Sqlite</c>, <c>Migrations/Postgres</c>).
/// </summary>
public sealed class ShippingDbContext(DbContextOptions<ShippingDbContext> options) : DbContext(options)
{
    public DbSet<Shipment> Shipments => Set<Shipment>();
    public DbSet<ShipmentItem> ShipmentItems => Set<ShipmentItem>();
    public DbSet<TrackingEvent> TrackingEvents => Set<TrackingEvent>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Shipment>(e =>
        {
            e.ToTable("shipments");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.OrderId).HasMaxLength(100);
            e.Property(x => x.CustomerId).HasMaxLength(100);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Carrier).HasMaxLength(100);
            e.Property(x => x.TrackingNumber).HasMaxLength(20);
            e.Property(x => x.Reason).HasMaxLength(500);
            e.Property(x => x.LastLocation).HasMaxLength(200);
            e.Property(x => x.Recipient).HasMaxLength(200);
            e.Property(x => x.Phone).HasMaxLength(40);
            e.Property(x => x.Line1).HasMaxLength(300);
            e.Property(x => x.Line2).HasMaxLength(300);
            e.Property(x => x.City).HasMaxLength(100);
            e.Property(x => x.PostalCode).HasMaxLength(20);
            e.Property(x => x.Country).HasMaxLength(2);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.OrderId).IsUnique();
            e.HasIndex(x => x.TrackingNumber).IsUnique();
            e.HasIndex(x => new { x.CustomerId, x.CreatedAt, x.Id });
            e.HasIndex(x => new { x.CreatedAt, x.Id });
            e.HasMany(x => x.Items).WithOne().HasForeignKey(x => x.ShipmentId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Tracking).WithOne().HasForeignKey(x => x.ShipmentId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ShipmentItem>(e =>
        {
            e.ToTable("shipment_items", t => t.HasCheckConstraint("ck_shipment_items_quantity_positive", "quantity > 0"));
            e.HasKey(x => new { x.ShipmentId, x.ProductId });
            e.Property(x => x.ShipmentId).HasMaxLength(40);
            e.Property(x => x.ProductId).HasMaxLength(100);
        });

        modelBuilder.Entity<TrackingEvent>(e =>
        {
            e.ToTable("tracking_events");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.ShipmentId).HasMaxLength(40);
            e.Property(x => x.CarrierEventId).HasMaxLength(100);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Location).HasMaxLength(200);
            e.Property(x => x.Description).HasMaxLength(500);
            e.HasIndex(x => x.CarrierEventId).IsUnique();
            e.HasIndex(x => new { x.ShipmentId, x.OccurredAt });
        });

        modelBuilder.UseAgoraColumnConventions();
    }
}
