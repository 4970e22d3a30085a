namespace Agora.Identity;

/// <summary>The authorization server's fixed policy (guide §4.3, docs/architecture.md §6).</summary>
public static class IdentityDefaults
{
    /// <summary>Access tokens live 15 minutes.</summary>
    public static readonly TimeSpan AccessTokenLifetime = TimeSpan.FromMinutes(15);

    /// <summary>Refresh tokens live 14 days and are rotated on every use.</summary>
    public static readonly TimeSpan RefreshTokenLifetime = TimeSpan.FromDays(14);

    /// <summary>Authorization codes live 2 minutes and can be redeemed once.</summary>
    public static readonly TimeSpan AuthorizationCodeLifetime = TimeSpan.FromMinutes(2);

    /// <summary>The <c>aud</c> of every access token: Agora's APIs.</summary>
    public const string Audience = "agora";

    /// <summary>
    /// The API scopes the authorization server registers and clients may list (guide §4.3 style: <c>action:resource</c>),
    /// in the order of the one table of who may hold them, <see cref="Features.Connect.ScopePolicy.Rules"/>, from which
    /// they come: a scope exists here exactly when that table says who may hold it.
    /// </summary>
    public static readonly IReadOnlyList<string> ApiScopes = [.. Features.Connect.ScopePolicy.Rules.Select(r => r.Scope)];

    /// <summary>
    /// The API scopes a client-credentials token (a service) may hold, and so a partner API key may carry: the table's
    /// rules marked <see cref="Features.Connect.ScopeRule.Service"/> (every API scope but the staff-only <c>admin:ops</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> ServiceScopes = [.. Features.Connect.ScopePolicy.Rules.Where(r => r.Service).Select(r => r.Scope)];

    /// <summary>The login cookie's scheme.</summary>
    public const string LoginScheme = "agora-login";
}
