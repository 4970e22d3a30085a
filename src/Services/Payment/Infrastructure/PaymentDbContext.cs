using Agora.Storage;
using Microsoft.EntityFrameworkCore;

namespace Agora.Payment.Infrastructure;

/// <summary>
/// Payment's own database: SQLite in the embedded mode, PostgreSQL in the distributed one, each engine with its own
/// migrations (<c>Migrations/Sqlite</c>, <c>Migrations/Postgres</c>).
/// </summary>
public sealed class PaymentDbContext(DbContextOptions<PaymentDbContext> options) : DbContext(options)
{
    public DbSet<PaymentRecord> Payments => Set<PaymentRecord>();
    public DbSet<PaymentOperation> Operations => Set<PaymentOperation>();
    public DbSet<IdempotencyKeyRecord> IdempotencyKeys => Set<IdempotencyKeyRecord>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PaymentRecord>(e =>
        {
            e.ToTable("payments", t =>
            {
                t.HasCheckConstraint("ck_payments_amount_positive", "amount_minor > 0 OR placeholder");
                t.HasCheckConstraint("ck_payments_captured_range", "captured_minor >= 0 AND captured_minor <= amount_minor");
                t.HasCheckConstraint("ck_payments_refunded_range", "refunded_minor >= 0 AND refunded_minor <= captured_minor");
            });
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.OrderId).HasMaxLength(100);
            e.Property(x => x.CustomerId).HasMaxLength(100);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.PspReference).HasMaxLength(100);
            e.Property(x => x.FailureReason).HasMaxLength(500);
            e.Property(x => x.Version).IsConcurrencyToken();
            // One payment (or placeholder) per order, whatever races: an authorize and a void that overtook it
            // cannot both insert, the loser retries and finds the winner's row.
            e.HasIndex(x => x.OrderId).IsUnique();
            // The operators' list: newest first, optionally by status.
            e.HasIndex(x => new { x.CreatedAt, x.Id });
            e.HasIndex(x => new { x.Status, x.CreatedAt, x.Id });
            e.HasMany(x => x.Operations).WithOne().HasForeignKey(x => x.PaymentId).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<PaymentOperation>(e =>
        {
            e.ToTable("payment_operations");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40);
            e.Property(x => x.PaymentId).HasMaxLength(40);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.IdempotencyKey).HasMaxLength(100);
            e.Property(x => x.LastError).HasMaxLength(500);
            e.Property(x => x.PspReference).HasMaxLength(100);
            e.HasIndex(x => new { x.PaymentId, x.Kind }).IsUnique();
            e.HasIndex(x => x.IdempotencyKey).IsUnique();
        });

        modelBuilder.Entity<IdempotencyKeyRecord>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(x => new { x.Caller, x.Key });
            e.Property(x => x.Caller).HasMaxLength(200);
            e.Property(x => x.Key).HasMaxLength(100);
            e.Property(x => x.RequestHash).HasMaxLength(64);
            e.Property(x => x.PaymentId).HasMaxLength(40);
        });

        modelBuilder.UseAgoraColumnConventions();
    }
}
