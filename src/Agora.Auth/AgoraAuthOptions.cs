using System.ComponentModel.DataAnnotations;

namespace Agora.Auth;

/// <summary>
/// <c>Agora:Auth</c>: how a service validates the access tokens Identity issues (docs/architecture.md §6).
/// Every default works for the embedded mode on one machine; the distributed mode sets <see cref="Authority"/>.
/// </summary>
public sealed class AgoraAuthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Agora:Auth";

    /// <summary>The audience every Agora API accepts: tokens Identity issues for "the Agora APIs" as a whole.</summary>
    public const string SharedAudience = "agora";

    /// <summary>
    /// Identity's issuer URL; its discovery document is at <c>{Authority}.well-known/openid-configuration</c>.
    /// Default <c>http://localhost:5101/</c> (Identity in the embedded mode).
    /// </summary>
    [Required]
    public string Authority { get; set; } = "http://localhost:5101/";

    /// <summary>
    /// The exact <c>iss</c> Identity writes into its tokens. Default: <see cref="Authority"/>. OpenIddict writes its
    /// configured issuer, with the trailing slash, so the two are normally the same string.
    /// </summary>
    public string? Issuer { get; set; }

    /// <summary>The discovery document's address, when it is not under <see cref="Authority"/>. Default: derived.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>
    /// The audience accepted besides the service's own name. Default <c>agora</c>. A service always accepts tokens
    /// whose <c>aud</c> is its own name too (<c>catalog</c>), so Identity can narrow a token to one API (RFC 8707).
    /// </summary>
    [Required]
    public string Audience { get; set; } = SharedAudience;

    /// <summary>Accept tokens whose <c>aud</c> is this service's name (<c>Agora:ServiceName</c>). Default true.</summary>
    public bool AcceptServiceAudience { get; set; } = true;

    /// <summary>
    /// Fetch discovery and keys over HTTPS only. Default (unset): required, except for a loopback authority (the
    /// traffic never leaves the machine) and in Development/Testing. Set false only where something else protects
    /// the hop, such as a service mesh's mTLS sidecar; a plain-HTTP key fetch over a network lets anyone on the path
    /// swap the keys and mint tokens.
    /// </summary>
    public bool? RequireHttpsMetadata { get; set; }

    /// <summary>Tolerance for clock differences on <c>exp</c> and <c>nbf</c>. Default 30 s; at most 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Least time between two key fetches caused by a token whose <c>kid</c> is unknown (key rotation, or forgery):
    /// a flood of forged tokens costs Identity at most one fetch per interval. Default 1 minute.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long fetched keys are used before they are fetched again anyway. Default 1 hour (the library adds up to
    /// 5 % jitter); at least 5 minutes, the library's floor.
    /// </summary>
    [Range(typeof(TimeSpan), "00:05:00", "1.00:00:00")]
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Timeout of one discovery or key fetch. Default 10 s: requests wait on it during a refresh.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan MetadataTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
