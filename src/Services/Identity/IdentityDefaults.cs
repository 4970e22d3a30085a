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

    /// <summary>API scopes (guide §4.3 style: <c>action:resource</c>).</summary>
    public static readonly string[] ApiScopes =
    [
        AgoraScopes.ReadUsers, AgoraScopes.WriteUsers, AgoraScopes.ReadOrders, AgoraScopes.WriteOrders, AgoraScopes.ReadCatalog,
        AgoraScopes.WriteCatalog, AgoraScopes.WriteInventory, AgoraScopes.ReadPayments, AgoraScopes.WritePayments,
        AgoraScopes.ReadShipments, AgoraScopes.WriteShipments, AgoraScopes.ReadNotifications, AgoraScopes.VerifyApiKeys,
    ];

    /// <summary>The login cookie's scheme.</summary>
    public const string LoginScheme = "agora-login";
}
