namespace Agora.Ordering.Infrastructure;

/// <summary>
/// Ordering's own database: the event store (<c>order_events</c>), the read models it feeds (<c>order_summaries</c>,
/// <c>order_details</c>), the idempotency keys and the saga's step deadlines (<c>saga_deadlines</c>), on SQLite
/// (embedded) or PostgreSQL (distributed), each engine with its own migrations.
/// </summary>
public sealed class OrderingDbContext(DbContextOptions<OrderingDbContext> options) : DbContext(options)
{
    public DbSet<StoredEvent> Events => Set<StoredEvent>();
    public DbSet<OrderSummary> Summaries => Set<OrderSummary>();
    public DbSet<OrderDetail> Details => Set<OrderDetail>();
    public DbSet<IdempotencyKey> IdempotencyKeys => Set<IdempotencyKey>();
    public DbSet<SagaDeadline> Deadlines => Set<SagaDeadline>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<StoredEvent>(e =>
        {
            e.ToTable("order_events");
            e.HasKey(x => x.Position);
            e.Property(x => x.Position).ValueGeneratedOnAdd();
            e.Property(x => x.StreamId).HasMaxLength(40);
            e.Property(x => x.Type).HasMaxLength(64);
            e.Property(x => x.CorrelationId).HasMaxLength(128);
            // Optimistic concurrency: two writers appending the same version to one stream cannot both commit.
            e.HasIndex(x => new { x.StreamId, x.Version }).IsUnique();
        });

        modelBuilder.Entity<OrderSummary>(e =>
        {
            e.ToTable("order_summaries");
            e.HasKey(x => x.OrderId);
            e.Property(x => x.OrderId).HasMaxLength(40);
            e.Property(x => x.CustomerId).HasMaxLength(100);
            e.Property(x => x.Status).HasMaxLength(20);
            e.Property(x => x.SagaStep).HasMaxLength(20);
            e.Property(x => x.Currency).HasMaxLength(3);
            e.HasIndex(x => new { x.CustomerId, x.PlacedAt, x.OrderId });
            e.HasIndex(x => new { x.Status, x.PlacedAt, x.OrderId });
            e.HasIndex(x => new { x.SagaStep, x.PlacedAt, x.OrderId });
            e.HasIndex(x => new { x.PlacedAt, x.OrderId });
        });

        modelBuilder.Entity<OrderDetail>(e =>
        {
            e.ToTable("order_details");
            e.HasKey(x => x.OrderId);
            e.Property(x => x.OrderId).HasMaxLength(40);
            e.Property(x => x.CustomerId).HasMaxLength(100);
        });

        modelBuilder.Entity<IdempotencyKey>(e =>
        {
            e.ToTable("idempotency_keys");
            e.HasKey(x => new { x.CustomerId, x.Key });
            e.Property(x => x.CustomerId).HasMaxLength(100);
            e.Property(x => x.Key).HasMaxLength(255);
            e.Property(x => x.RequestHash).HasMaxLength(64);
            e.Property(x => x.OrderId).HasMaxLength(40);
        });

        modelBuilder.Entity<SagaDeadline>(e =>
        {
            e.ToTable("saga_deadlines");
            e.HasKey(x => x.OrderId);
            e.Property(x => x.OrderId).HasMaxLength(40);
            e.Property(x => x.Step).HasMaxLength(20);
            e.HasIndex(x => x.DueAt);
        });

        modelBuilder.UseAgoraColumnConventions();
    }
}
