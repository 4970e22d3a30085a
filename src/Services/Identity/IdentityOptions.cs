using System.ComponentModel.DataAnnotations;

namespace Agora.Identity;

/// <summary><c>Identity</c> section.</summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    /// <summary>The issuer (<c>iss</c>) and base URL of the authorization server. Default http://localhost:5101/.</summary>
    [Required]
    public Uri Issuer { get; set; } = new("http://localhost:5101/");

    /// <summary>
    /// Create the demo admin, customer and clients on an empty database. Default: on in the embedded mode, off in the
    /// distributed one (set it explicitly to have them there).
    /// </summary>
    public bool? SeedDemoAccounts { get; set; }

    /// <summary>Age at which the signing key is rotated automatically. Default 90 days; zero turns rotation off.</summary>
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often rotation is checked and expired keys are dropped. Default 10 minutes.</summary>
    public TimeSpan KeyRotationCheckInterval { get; set; } = TimeSpan.FromMinutes(10);
}
