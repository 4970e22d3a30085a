using System.ComponentModel.DataAnnotations;
using Agora.Hosting;

namespace Agora.Web;

/// <summary>
/// <c>Web</c>: where the storefront finds the shop. Every default fits the embedded mode on one machine (the service
/// table's ports); the AppHost sets the rest (the OIDC client's secret, the distributed mode's addresses).
/// </summary>
public sealed class WebOptions
{
    public const string SectionName = "Web";

    /// <summary>The gateway: every REST call of the storefront goes through it, as an outside client's would.</summary>
    [Required]
    public string GatewayUrl { get; set; } = ServiceTable.Get("gateway").HttpUrl();

    /// <summary>The storefront's OIDC client of Identity.</summary>
    public WebOidcOptions Oidc { get; set; } = new();

    /// <summary>
    /// The proxies whose <c>X-Forwarded-Proto</c> and <c>X-Forwarded-Host</c> are believed (addresses or CIDR networks:
    /// the ingress that terminates TLS in a cluster). Loopback by default, where nothing forwards.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = ["127.0.0.1", "::1"];

    /// <summary>
    /// How long a public catalogue read (a product, its inventory, a product list, a search) is kept before the gateway is
    /// asked again; zero: never kept. A product's price and stock may show this much late; the order is priced and the
    /// stock reserved by the services, never from the page.
    /// </summary>
    public TimeSpan CatalogCache { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long the category list is kept (it changes with the catalogue's administration only).</summary>
    public TimeSpan CategoryCache { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How often an open order page asks Ordering for news while the saga runs.</summary>
    public TimeSpan OrderRefreshInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary><c>Web:Oidc</c>: a confidential client (authorization code + PKCE); tokens stay on the server.</summary>
public sealed class WebOidcOptions
{
    /// <summary>Identity's issuer (its discovery document is under it).</summary>
    [Required]
    public string Authority { get; set; } = ServiceTable.Get("identity").HttpUrl() + "/";

    /// <summary>
    /// Where the server reaches Identity when that is not the issuer (mutual TLS: <c>https://localhost:5101/</c>); back-channel
    /// calls to addresses under the issuer go here instead. Unset: the issuer.
    /// </summary>
    public string? BackchannelUrl { get; set; }

    /// <summary>
    /// Where the browser reaches Identity's pages when that is not the issuer (the distributed mode: the gateway, whose
    /// <c>/connect</c> and <c>/account</c> routes lead to Identity). Unset: the issuer.
    /// </summary>
    public string? BrowserUrl { get; set; }

    /// <summary>The client id, as <c>Identity:Clients</c> defines it.</summary>
    [Required]
    public string ClientId { get; set; } = "agora-storefront";

    /// <summary>The client's secret (from a secret store; the AppHost passes it in Development).</summary>
    [Required]
    public string? ClientSecret { get; set; }

    /// <summary>
    /// What the storefront asks for: the customer's profile, orders and addresses, and a refresh token; and for the
    /// console, <c>roles</c> and the staff scopes <c>admin:ops</c> and <c>write:catalog</c> (the catalogue page). Identity
    /// grants those only where they belong: the roles to a first-party client, the staff scopes only to a user with the
    /// admin role through a confidential client (its ScopePolicy); a customer's token never carries them, whatever is asked.
    /// </summary>
    public List<string> Scopes { get; set; } =
        ["openid", "profile", "email", "offline_access", "roles", "read:users", "write:users", "read:orders", "write:orders", "read:catalog", "admin:ops", "write:catalog"];
}
