namespace Agora.Identity.Infrastructure;

/// <summary>The lifecycle of an account; only active users can sign in or get tokens.</summary>
public enum UserStatus
{
    Active,
    Suspended,
}

public sealed class User
{
    public required string Id { get; init; }
    public required string Email { get; set; }

    /// <summary>Upper-invariant email: the unique key, so addresses differing only in case are one account.</summary>
    public required string EmailNormalized { get; set; }

    public required string Name { get; set; }
    public string PasswordHash { get; set; } = "";
    public UserStatus Status { get; set; }

    /// <summary>Space-separated roles (<c>customer</c>, <c>admin</c>).</summary>
    public string Roles { get; set; } = AgoraRoles.Customer;

    /// <summary>Preferred language as a BCP 47 tag (<c>ko-KR</c>), or null for the shop's default.</summary>
    public string? Locale { get; set; }

    /// <summary>Whether the user agreed to receive marketing messages. Off unless they opt in.</summary>
    public bool MarketingOptIn { get; set; }

    public DateTime CreatedAt { get; init; }
    public DateTime UpdatedAt { get; set; }
    public int Version { get; set; } = 1;

    public IReadOnlyList<string> RoleList => Roles.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>What a key is for and where it is in its life.</summary>
public enum KeyStatus
{
    /// <summary>Published in the JWKS, not yet signing: relying parties learn it before it is used.</summary>
    Next,

    /// <summary>Signs new tokens.</summary>
    Current,

    /// <summary>Published until every token it signed has expired.</summary>
    Retired,
}

/// <summary>
/// An RSA key of the authorization server, kept in Identity's database so every replica signs with the same key.
/// </summary>
public sealed class SigningKey
{
    public required string Id { get; init; }

    /// <summary><c>sig</c> (token signatures, in the JWKS) or <c>enc</c> (encrypting codes and refresh tokens).</summary>
    public required string Use { get; init; }

    public KeyStatus Status { get; set; }

    /// <summary>
    /// The private key (PKCS#8 PEM) encrypted with ASP.NET Core Data Protection (<see cref="Features.Keys.KeyProtection"/>); never
    /// stored in the clear.
    /// </summary>
    public required string ProtectedPrivateKey { get; set; }

    public DateTime CreatedAt { get; init; }

    /// <summary>For retired keys: when the last token it signed expires; the key is dropped after that.</summary>
    public DateTime? RetiresAt { get; set; }
}

/// <summary>Identity's own database: users, their addresses, partner API keys and the OpenIddict stores (clients, authorizations, tokens, scopes).</summary>
public sealed class IdentityDbContext(DbContextOptions<IdentityDbContext> options) : DbContext(options),
    Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.IDataProtectionKeyContext
{
    /// <summary>ASP.NET Core Data Protection's key ring (each key's XML encrypted with the configured certificate).</summary>
    public DbSet<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey> DataProtectionKeys =>
        Set<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>();

    public DbSet<User> Users => Set<User>();
    public DbSet<Address> Addresses => Set<Address>();
    public DbSet<SigningKey> SigningKeys => Set<SigningKey>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.UseOpenIddict();
        modelBuilder.Entity<User>(e =>
        {
            e.ToTable("users");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40).HasColumnName("id");
            e.Property(x => x.Email).HasMaxLength(254).HasColumnName("email");
            e.Property(x => x.EmailNormalized).HasMaxLength(254).HasColumnName("email_normalized");
            e.Property(x => x.Name).HasMaxLength(200).HasColumnName("name");
            e.Property(x => x.PasswordHash).HasMaxLength(200).HasColumnName("password_hash");
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20).HasColumnName("status");
            e.Property(x => x.Roles).HasMaxLength(200).HasColumnName("roles");
            e.Property(x => x.Locale).HasMaxLength(35).HasColumnName("locale");
            e.Property(x => x.MarketingOptIn).HasColumnName("marketing_opt_in");
            e.Property(x => x.CreatedAt).HasColumnName("created_at").HasConversion(Agora.Storage.UtcDateTime.Converter);
            e.Property(x => x.UpdatedAt).HasColumnName("updated_at").HasConversion(Agora.Storage.UtcDateTime.Converter);
            e.Property(x => x.Version).HasColumnName("version").IsConcurrencyToken();
            e.Ignore(x => x.RoleList);
            e.HasIndex(x => x.EmailNormalized).IsUnique();
        });

        modelBuilder.ApplyConfiguration(new AddressConfiguration(Agora.Storage.UtcDateTime.Converter));

        modelBuilder.Entity<SigningKey>(e =>
        {
            e.ToTable("signing_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(64).HasColumnName("id");
            e.Property(x => x.Use).HasMaxLength(8).HasColumnName("use");
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(16).HasColumnName("status");
            e.Property(x => x.ProtectedPrivateKey).HasColumnName("protected_private_key");
            e.Property(x => x.CreatedAt).HasColumnName("created_at").HasConversion(Agora.Storage.UtcDateTime.Converter);
            e.Property(x => x.RetiresAt).HasColumnName("retires_at");
        });

        modelBuilder.Entity<Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey>(e =>
        {
            e.ToTable("data_protection_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasColumnName("id");
            e.Property(x => x.FriendlyName).HasColumnName("friendly_name");
            e.Property(x => x.Xml).HasColumnName("xml");
        });

        modelBuilder.Entity<ApiKey>(e =>
        {
            e.ToTable("api_keys");
            e.HasKey(x => x.Id);
            e.Property(x => x.Id).HasMaxLength(40).HasColumnName("id");
            e.Property(x => x.Name).HasMaxLength(100).HasColumnName("name");
            e.Property(x => x.Prefix).HasMaxLength(8).HasColumnName("prefix");
            e.Property(x => x.Hash).HasMaxLength(64).HasColumnName("hash");
            e.Property(x => x.Scopes).HasMaxLength(1000).HasColumnName("scopes");
            e.Property(x => x.CreatedAt).HasColumnName("created_at").HasConversion(Agora.Storage.UtcDateTime.Converter);
            e.Property(x => x.CreatedBy).HasMaxLength(40).HasColumnName("created_by");
            e.Property(x => x.ExpiresAt).HasColumnName("expires_at").HasConversion(Agora.Storage.UtcDateTime.Converter);
            e.Property(x => x.RevokedAt).HasColumnName("revoked_at").HasConversion(Agora.Storage.UtcDateTime.Converter);
            e.Property(x => x.LastUsedAt).HasColumnName("last_used_at").HasConversion(Agora.Storage.UtcDateTime.Converter);
            e.Ignore(x => x.ScopeList);
            e.HasIndex(x => x.Prefix);
            e.HasIndex(x => x.Hash).IsUnique();
        });
    }
}
