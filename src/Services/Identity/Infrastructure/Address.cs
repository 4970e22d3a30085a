using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Agora.Identity.Infrastructure;

/// <summary>A postal address of a user (shipping, billing). A user has at most one default address.</summary>
public sealed class Address
{
    public required string Id { get; init; }
    public required string UserId { get; init; }

    /// <summary>The user's own name for it ("Home", "Office"); may be empty.</summary>
    public string Label { get; set; } = "";

    public required string Recipient { get; set; }
    public required string Line1 { get; set; }
    public string Line2 { get; set; } = "";
    public required string City { get; set; }
    public string PostalCode { get; set; } = "";

    /// <summary>ISO 3166-1 alpha-2, upper case.</summary>
    public required string Country { get; set; }

    public string Phone { get; set; } = "";
    public bool IsDefault { get; set; }
    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; } = 1;
}

internal sealed class AddressConfiguration(ValueConverter<DateTime, DateTime> utc) : IEntityTypeConfiguration<Address>
{
    public void Configure(EntityTypeBuilder<Address> e)
    {
        e.ToTable("addresses");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasMaxLength(40).HasColumnName("id");
        e.Property(x => x.UserId).HasMaxLength(40).HasColumnName("user_id");
        e.Property(x => x.Label).HasMaxLength(50).HasColumnName("label");
        e.Property(x => x.Recipient).HasMaxLength(200).HasColumnName("recipient");
        e.Property(x => x.Line1).HasMaxLength(200).HasColumnName("line1");
        e.Property(x => x.Line2).HasMaxLength(200).HasColumnName("line2");
        e.Property(x => x.City).HasMaxLength(100).HasColumnName("city");
        e.Property(x => x.PostalCode).HasMaxLength(20).HasColumnName("postal_code");
        e.Property(x => x.Country).HasMaxLength(2).HasColumnName("country");
        e.Property(x => x.Phone).HasMaxLength(32).HasColumnName("phone");
        e.Property(x => x.IsDefault).HasColumnName("is_default");
        e.Property(x => x.CreatedAt).HasColumnName("created_at").HasConversion(utc);
        e.Property(x => x.UpdatedAt).HasColumnName("updated_at").HasConversion(utc);
        e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
        e.HasOne<User>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(x => new { x.UserId, x.CreatedAt });
    }
}
