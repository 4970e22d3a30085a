namespace Agora.Catalog.Infrastructure;

/// <summary>
/// Catalog's own database: SQLite in the embedded mode, PostgreSQL in the distributed one. Each engine has its own
/// migrations (<c>Migrations/Sqlite</c>, <c>Migrations/Postgres</c>), picked by the active provider.
/// </summary>
public sealed class CatalogDbContext(DbContextOptions<CatalogDbContext> options) : DbContext(options)
{
    public DbSet<Category> Categories => Set<Category>();
    public DbSet<Product> Products => Set<Product>();
    public DbSet<Inventory> Inventory => Set<Inventory>();
    public DbSet<Reservation> Reservations => Set<Reservation>();
    public DbSet<ReservationLine> ReservationLines => Set<ReservationLine>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Category>(e =>
        {
            e.ToTable("categories");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Slug).HasMaxLength(100);
            e.Property(x => x.Description).HasMaxLength(1000);
            e.Property(x => x.NameKo).HasMaxLength(100);
            e.Property(x => x.DescriptionKo).HasMaxLength(1000);
            e.HasIndex(x => x.Slug).IsUnique();
        });

        modelBuilder.Entity<Product>(e =>
        {
            e.ToTable("products");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.Sku).HasMaxLength(64);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.NameSearch).HasMaxLength(200);
            e.Property(x => x.Description).HasMaxLength(4000);
            e.Property(x => x.NameKo).HasMaxLength(200);
            e.Property(x => x.DescriptionKo).HasMaxLength(4000);
            e.Property(x => x.CategoryId).HasMaxLength(40);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.Sku).IsUnique();
            e.HasIndex(x => new { x.CategoryId, x.Id });
            // A category page filtered by price and sorted: the index gives the rows in order (no sort), and the
            // total comes from the index alone.
            e.HasIndex(x => new { x.CategoryId, x.PriceMinor, x.Id });
            e.HasIndex(x => new { x.CategoryId, x.CreatedAt, x.Id });
            e.HasIndex(x => new { x.CategoryId, x.Name, x.Id });
            e.HasIndex(x => new { x.PriceMinor, x.Id });
            e.HasIndex(x => new { x.CreatedAt, x.Id });
            e.HasOne<Category>().WithMany().HasForeignKey(x => x.CategoryId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(x => x.Inventory).WithOne().HasForeignKey<Inventory>(x => x.ProductId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Inventory>(e =>
        {
            e.ToTable("inventory", t =>
            {
                t.HasCheckConstraint("ck_inventory_available_nonnegative", "available >= 0");
                t.HasCheckConstraint("ck_inventory_reserved_nonnegative", "reserved >= 0");
            });
            e.HasKey(x => x.ProductId);
            e.Property(x => x.ProductId).HasMaxLength(40);
        });

        modelBuilder.Entity<Reservation>(e =>
        {
            e.ToTable("reservations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(100);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(x => new { x.Status, x.ExpiresAt });
            e.HasMany(x => x.Lines).WithOne().HasForeignKey(x => x.ReservationId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<ReservationLine>(e =>
        {
            e.ToTable("reservation_lines", t => t.HasCheckConstraint("ck_reservation_lines_quantity_positive", "quantity > 0"));
            e.HasKey(x => new { x.ReservationId, x.ProductId });
            e.Property(x => x.ProductId).HasMaxLength(40);
            e.HasIndex(x => x.ProductId);
        });

        if (Database.IsNpgsql())
        {
            // Byte-wise comparison, so sorting and keyset paging by name match SQLite exactly.
            modelBuilder.Entity<Product>().Property(x => x.Name).UseCollation("C");
            modelBuilder.Entity<Product>().Property(x => x.NameSearch).UseCollation("C");
            modelBuilder.Entity<Category>().Property(x => x.Name).UseCollation("C");
        }

        modelBuilder.UseAgoraColumnConventions();
    }
}

