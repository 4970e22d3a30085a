using Agora.Auth;
using System.ComponentModel.DataAnnotations;

namespace Agora.Gateway;

/// <summary>
/// <c>Gateway</c>: what the edge does besides the YARP routes and clusters (those live in <c>ReverseProxy</c>). Read through
/// <c>IOptionsMonitor</c>, so a change to the configuration file applies without a restart, like the routes.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Gateway";

    /// <summary>
    /// Whether the YARP clusters come from the service table, one per service the gateway calls (see
    /// <c>Features/Routing/TopologyClusters.cs</c>; <c>ReverseProxy:Clusters</c> adds to them). Default true. Read at start.
    /// </summary>
    public bool ClustersFromTopology { get; set; } = true;

    /// <summary>Browser origins allowed to call the API (CORS), such as <c>http://localhost:3000</c>. Default none.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>
    /// The request header that pins a request to one side of a canary split: <c>stable</c> or <c>canary</c>.
    /// Default <c>X-Agora-Version</c>.
    /// </summary>
    [Required]
    public string CanaryHeader { get; set; } = "X-Agora-Version";

    /// <summary>Partner API keys (<c>X-API-Key</c>).</summary>
    public ApiKeyOptions ApiKeys { get; set; } = new();

    /// <summary>Retries, budget, circuit breaker and outlier ejection (guide §7.3, docs/architecture.md §7).</summary>
    public GatewayResilienceOptions Resilience { get; set; } = new();

    /// <summary>The services whose OpenAPI documents <c>/docs</c> shows, each served by a <c>/docs/openapi/{name}.json</c> route.</summary>
    public List<DocsEntry> Docs { get; set; } = [];

    /// <summary>Who may read <c>/metrics</c> and the detailed <c>/health/ready</c> at the edge, and where.</summary>
    public ManagementOptions Management { get; set; } = new();

    /// <summary>TLS at the edge: HSTS and the redirect to HTTPS (<c>Features/Security/EdgeTls.cs</c>). Read at start.</summary>
    public GatewayHttpsOptions Https { get; set; } = new();
}

/// <summary>
/// <c>Gateway:Https</c>: the port the gateway serves HTTPS on (its Kestrel endpoint and certificate come from
/// <c>Kestrel:Endpoints:Https</c>). Set, HTTPS answers carry HSTS and plain HTTP is redirected there (not
/// <c>/health/*</c>, not the management port). Unset (default): plain HTTP only.
/// </summary>
public sealed class GatewayHttpsOptions
{
    /// <summary>The public HTTPS port plain HTTP is redirected to, e.g. 8443. Default none (no HTTPS behaviour).</summary>
    [Range(1, 65535)]
    public int? Port { get; set; }

    /// <summary>
    /// <c>Strict-Transport-Security: max-age</c>. Default 365 days. Not sent for localhost, 127.0.0.1 or [::1] (ASP.NET
    /// Core's excluded hosts), so a developer's browser is not pinned to HTTPS on every local port.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "730.00:00:00")]
    public TimeSpan HstsMaxAge { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>
/// The gateway's own operational endpoints. <c>/health/live</c> and a bare <c>/health/ready</c> (<c>{"status": …}</c>,
/// 200 or 503) answer anyone, for probes; <c>/metrics</c> and the readiness checks in detail answer staff only — a
/// bearer token with role <see cref="StaffRole"/> and scope <see cref="StaffScope"/>, validated like every token at the
/// edge — or anyone on <see cref="Port"/>.
/// </summary>
public sealed class ManagementOptions
{
    /// <summary>The role staff hold. Default <c>admin</c>.</summary>
    [Required]
    public string StaffRole { get; set; } = AgoraRoles.Admin;

    /// <summary>The scope staff's token must carry as well (role and scope, not either). Default <c>admin:ops</c>.</summary>
    [Required]
    public string StaffScope { get; set; } = AgoraScopes.AdminOps;

    /// <summary>
    /// A local port for scrapers and probes inside the cluster (bind it with a Kestrel endpoint, e.g.
    /// <c>Kestrel:Endpoints:Management:Url = http://0.0.0.0:9090</c>, and never expose it): requests arriving on it get
    /// <c>/metrics</c> and the detailed readiness without a token, and nothing else. Default none.
    /// </summary>
    [Range(1, 65535)]
    public int? Port { get; set; }
}

/// <summary>One service in the docs UI.</summary>
public sealed class DocsEntry
{
    /// <summary>Short name; the document is read from <c>/docs/openapi/{Name}.json</c>.</summary>
    [Required]
    public string Name { get; set; } = "";

    /// <summary>Title shown in the UI.</summary>
    [Required]
    public string Title { get; set; } = "";
}

/// <summary>
/// How the gateway checks partner API keys. Keys live in Identity (hashed with SHA-256, scoped, revocable, issued and
/// revoked by administrators at <c>/api/v1/api-keys</c>); the gateway asks Identity's <c>POST /api/v1/api-keys/verify</c>
/// with its own client-credentials token and remembers the answer (see <c>ApiKeyCache</c>).
/// </summary>
public sealed class ApiKeyOptions
{
    /// <summary>Identity's base URL. Default its local address from the service table (<c>http://localhost:5101/</c>).</summary>
    [Required]
    public string IdentityUrl { get; set; } = Agora.Hosting.ServiceTable.Get("identity").HttpUrl() + "/";

    /// <summary>The gateway's OAuth client (client credentials, scope <c>verify:api-keys</c>). Unset: API keys are refused.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client's secret.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>
    /// How long a verified key is trusted without asking again: the longest a revoked key keeps working at the edge.
    /// Default 30 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan CacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long an unknown, revoked or expired key — and its 8-character prefix — is remembered as such. The prefix entry
    /// refuses keys never seen active that share it, so a key issued with a listed prefix works once this lapses.
    /// Default 10 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan NegativeCacheDuration { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Good keys remembered, and as many refused keys and prefixes (two separate caches, so refused keys never push a
    /// good one out); the least recently used entry goes first. Read at start. Default 10,000.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxCachedKeys { get; set; } = 10_000;

    /// <summary>
    /// Questions to Identity about keys this gateway has never seen active, at once; others wait up to a second, then
    /// get 503. Keys known to be good are re-checked outside this limit. Read at start. Default 16.
    /// </summary>
    [Range(1, 1000)]
    public int MaxConcurrentLookups { get; set; } = 16;
}

/// <summary>The seed's numbers for calls to the services (guide §6.5 and §7.3); every one can be changed per environment.</summary>
public sealed class GatewayResilienceOptions
{
    /// <summary>Retries after the first attempt, for idempotent methods without a body only. Default 3 (Istio <c>attempts: 3</c>).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>Timeout of one attempt. Default 2 s (<c>perTryTimeout</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:05:00")]
    public TimeSpan PerTryTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Timeout of the whole request, retries included, unless the route sets its own. Default 10 s (<c>timeout: 10s</c>).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Retry budget: retries may add at most this fraction of a cluster's requests. Default 0.2 (20 %).</summary>
    [Range(0.0, 1.0)]
    public double RetryBudgetRatio { get; set; } = 0.2;

    /// <summary>Retries always allowed per cluster even at low traffic (the budget's floor). Default 10.</summary>
    [Range(0, 1000)]
    public int RetryBudgetMinimum { get; set; } = 10;

    /// <summary>Breaker: opens when at least this fraction of the last <see cref="BreakerWindow"/> calls failed. Default 0.5.</summary>
    [Range(0.01, 1.0)]
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Breaker: calls remembered. Default 10.</summary>
    [Range(1, 1000)]
    public int BreakerWindow { get; set; } = 10;

    /// <summary>Breaker: calls needed before it may open. Default 5.</summary>
    [Range(1, 1000)]
    public int BreakerMinimumCalls { get; set; } = 5;

    /// <summary>
    /// Breaker: how long it stays open before trial calls. Default 5 s: short, so that a service back from a restart gets
    /// traffic again within seconds of being ready (a failed trial opens it for another 5 s).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Breaker: trial calls let through half-open; all must succeed to close. Default 3.</summary>
    [Range(1, 100)]
    public int BreakerTrialCalls { get; set; } = 3;

    /// <summary>Outlier ejection: consecutive failures (5xx or no answer) that eject a replica. Default 5.</summary>
    [Range(1, 1000)]
    public int EjectAfterConsecutiveFailures { get; set; } = 5;

    /// <summary>Outlier ejection: how long an ejected replica gets no traffic, unless the cluster's passive health check sets its own <c>ReactivationPeriod</c>. Default 30 s.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan EjectionDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Outlier ejection: the largest share of a cluster's replicas ejected at once. Default 50 %.</summary>
    [Range(0, 100)]
    public int MaxEjectionPercent { get; set; } = 50;
}
