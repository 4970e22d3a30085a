using System.ComponentModel.DataAnnotations;

namespace Agora.Identity;

/// <summary><c>Identity</c> section.</summary>
public sealed class IdentityOptions
{
    public const string SectionName = "Identity";

    /// <summary>The issuer (<c>iss</c>) and base URL of the authorization server. Default Identity's local address from the service table (http://localhost:5101/).</summary>
    [Required]
    public Uri Issuer { get; set; } = new(Agora.Hosting.ServiceTable.Get("identity").HttpUrl() + "/");

    /// <summary>
    /// The demo admin, customer and clients. They exist only in the Development environment (on by default there; false
    /// turns them off); true in any other environment refuses to start.
    /// </summary>
    public bool? SeedDemoAccounts { get; set; }

    /// <summary>
    /// The OAuth clients, keyed by client id (<c>Identity:Clients:agora-scripts:Secret</c>), created or updated at every
    /// start. Outside Development these are the only clients besides those an administrator creates through the API.
    /// </summary>
    public Dictionary<string, Features.Clients.ClientOptions> Clients { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Age at which the signing key is rotated automatically. Default 90 days; zero turns rotation off.</summary>
    public TimeSpan KeyRotationInterval { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often rotation is checked and expired keys are dropped. Default 10 minutes.</summary>
    public TimeSpan KeyRotationCheckInterval { get; set; } = TimeSpan.FromMinutes(10);
}
