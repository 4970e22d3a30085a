using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace Agora.Web.Features.Storage;

/// <summary>
/// The storefront's own database: carts, the server-side token sessions and the Data Protection key ring (so cookies
/// and antiforgery tokens survive a restart). A SQLite file in the embedded mode, PostgreSQL in the distributed one.
/// </summary>
public sealed class WebDbContext(DbContextOptions<WebDbContext> options) : DbContext(options), IDataProtectionKeyContext
{
    public DbSet<CartEntity> Carts => Set<CartEntity>();

    public DbSet<CartLineEntity> CartLines => Set<CartLineEntity>();

    public DbSet<WebSessionEntity> Sessions => Set<WebSessionEntity>();

    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<CartEntity>(e =>
        {
            e.ToTable("carts");
            e.HasKey(c => c.Owner);
            e.Property(c => c.Owner).HasMaxLength(120);
            e.Property(c => c.CheckoutKey).HasMaxLength(64);
            e.Property(c => c.PlacedOrderId).HasMaxLength(40);
            e.HasMany(c => c.Lines).WithOne().HasForeignKey(l => l.Owner).OnDelete(DeleteBehavior.Cascade);
        });
        modelBuilder.Entity<CartLineEntity>(e =>
        {
            e.ToTable("cart_lines");
            e.HasKey(l => new { l.Owner, l.ProductId });
            e.Property(l => l.Owner).HasMaxLength(120);
            e.Property(l => l.ProductId).HasMaxLength(40);
            e.Property(l => l.Name).HasMaxLength(200);
            e.Property(l => l.Amount).HasMaxLength(32);
            e.Property(l => l.Currency).HasMaxLength(3);
        });
        modelBuilder.Entity<WebSessionEntity>(e =>
        {
            e.ToTable("sessions");
            e.HasKey(s => s.Id);
            e.Property(s => s.Id).HasMaxLength(64);
            e.Property(s => s.Subject).HasMaxLength(100);
        });
    }
}

/// <summary>A cart: a customer's (<c>usr:&lt;sub&gt;</c>) or a visitor's (<c>anon:&lt;random&gt;</c>, from a cookie).</summary>
public sealed class CartEntity
{
    public required string Owner { get; set; }

    /// <summary>The <c>Idempotency-Key</c> of this cart's checkout; any change to the cart starts a new one.</summary>
    public string? CheckoutKey { get; set; }

    /// <summary>The order the checkout <see cref="CheckoutKey"/> placed (the cart is empty then), for a late second click.</summary>
    public string? PlacedOrderId { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public List<CartLineEntity> Lines { get; set; } = [];
}

/// <summary>A product in a cart, with the name and price it had when added (Ordering prices the order from Catalog).</summary>
public sealed class CartLineEntity
{
    public required string Owner { get; set; }

    public required string ProductId { get; set; }

    public required string Name { get; set; }

    public required string Amount { get; set; }

    public required string Currency { get; set; }

    public int Quantity { get; set; }

    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>A signed-in browser's tokens, kept here: the browser's cookie names the session, never a token.</summary>
public sealed class WebSessionEntity
{
    public required string Id { get; set; }

    public required string Subject { get; set; }

    public required string AccessToken { get; set; }

    public string? RefreshToken { get; set; }

    public string? IdToken { get; set; }

    public DateTimeOffset AccessTokenExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}
