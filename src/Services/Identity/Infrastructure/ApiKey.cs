namespace Agora.Identity.Infrastructure;

/// <summary>
/// A partner's API key (<c>agk_&lt;prefix8&gt;_&lt;secret&gt;</c>). The plaintext is shown once, at creation; only its
/// SHA-256 is kept.
/// </summary>
public sealed class ApiKey
{
    public required string Id { get; init; }
    public required string Name { get; set; }

    /// <summary>The first 8 characters of the secret part: finds the row, and tells keys apart in lists.</summary>
    public required string Prefix { get; init; }

    /// <summary>
    /// Lowercase hex SHA-256 of the whole key. The secret is 256 random bits, so a fast hash is enough: there is nothing
    /// to guess a dictionary for, and a slow hash (PBKDF2, bcrypt) would only slow every verification down.
    /// </summary>
    public required string Hash { get; init; }

    /// <summary>Space-separated scopes, each one of <see cref="IdentityDefaults.ServiceScopes"/>.</summary>
    public required string Scopes { get; init; }

    public DateTime CreatedAt { get; init; }

    /// <summary>The administrator (user id) who created it.</summary>
    public required string CreatedBy { get; init; }

    public DateTime? ExpiresAt { get; init; }
    public DateTime? RevokedAt { get; set; }

    /// <summary>The last successful verification, written at most once a minute.</summary>
    public DateTime? LastUsedAt { get; set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
