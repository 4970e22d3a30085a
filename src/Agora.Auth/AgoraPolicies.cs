using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;

namespace Agora.Auth;

/// <summary>Claim types of Identity's access tokens, read as issued (no legacy claim-type mapping).</summary>
public static class AgoraClaims
{
    /// <summary>The user (or, for client credentials, the client) the token is about.</summary>
    public const string Subject = "sub";

    /// <summary>Granted scopes: one space-separated string (RFC 8693 §4.2), or several claims.</summary>
    public const string Scope = "scope";

    /// <summary>Roles: a JSON array or a single string (RFC 9068 §7.2.1.1).</summary>
    public const string Roles = "roles";

    /// <summary>OpenIddict's own name for roles; read too, so either spelling grants the role.</summary>
    public const string Role = "role";

    /// <summary>The OAuth client the token was issued to.</summary>
    public const string ClientId = "client_id";
}

/// <summary>Role names shared by every service.</summary>
public static class AgoraRoles
{
    /// <summary>Shop staff. On its own a role opens nothing: staff endpoints want it together with a staff scope.</summary>
    public const string Admin = "admin";

    /// <summary>A shopper: every account has it (Identity gives it at registration).</summary>
    public const string Customer = "customer";
}

/// <summary>
/// Every API scope, named once: Identity issues them (its table of who may hold which) and the services check them.
/// Identity issues a staff scope only to a user whose roles allow it (or to a confidential client allowed it), never to
/// a public client; a service still asks for the role as well.
/// </summary>
public static class AgoraScopes
{
    /// <summary>Read one's own account and addresses (a service: any user's).</summary>
    public const string ReadUsers = "read:users";

    /// <summary>Change one's own account and addresses (a service: create users).</summary>
    public const string WriteUsers = "write:users";

    /// <summary>Read one's own orders.</summary>
    public const string ReadOrders = "read:orders";

    /// <summary>Place and cancel one's own orders.</summary>
    public const string WriteOrders = "write:orders";

    /// <summary>Read the catalogue. Catalog's reads are anonymous; Identity issues the scope to clients that ask for it.</summary>
    public const string ReadCatalog = "read:catalog";

    /// <summary>Read one's own payments.</summary>
    public const string ReadPayments = "read:payments";

    /// <summary>Read one's own shipments.</summary>
    public const string ReadShipments = "read:shipments";

    /// <summary>Read one's own notifications.</summary>
    public const string ReadNotifications = "read:notifications";

    /// <summary>Change products and set stock levels.</summary>
    public const string WriteCatalog = "write:catalog";

    /// <summary>Move stock for orders (reservations) and set stock levels.</summary>
    public const string WriteInventory = "write:inventory";

    /// <summary>Authorize, capture, void and refund payments; read every payment.</summary>
    public const string WritePayments = "write:payments";

    /// <summary>Manage shipments; read every shipment.</summary>
    public const string WriteShipments = "write:shipments";

    /// <summary>
    /// Administrative operations: dead letters, every customer's orders, notification templates, index rebuilds, saga
    /// administration.
    /// </summary>
    public const string AdminOps = "admin:ops";

    /// <summary>Check partners' API keys (the gateway's client-credentials token; service-only).</summary>
    public const string VerifyApiKeys = "verify:api-keys";
}

/// <summary>
/// The shop's authorization policies, built so that the safe form is the only form:
/// <list type="bullet">
/// <item><see cref="AddStaffPolicy"/>: a member of staff — a user's token with role <c>admin</c> AND one of the staff
/// scopes. The role alone (a token a third-party client received for an admin) or the scope alone (a token a customer
/// talked a client into) is 403.</item>
/// <item><see cref="AddServicePolicy"/>: a service — a client-credentials token (<c>sub</c> equals <c>client_id</c>, no
/// user, no roles) with one of the service scopes. No user's token passes, whatever its scopes or roles.</item>
/// <item><see cref="AddStaffOrServicePolicy"/>: either of the two, for operations both legitimately do (product
/// writes by the back office or an import job).</item>
/// <item><see cref="AddCustomerPolicy"/>: any token granted one of the scopes (a customer's own data); ownership is the
/// handler's check, and staff (see <see cref="IsStaff"/>) may be let in too.</item>
/// </list>
/// A service names its policies and registers them with these; endpoints use <c>RequireAuthorization(name)</c>, gRPC
/// methods <c>[Authorize(Policy = name)]</c>. Handlers that widen what a caller sees ("staff see every order") ask
/// <see cref="IsStaff"/>, never the role alone.
/// </summary>
public static class AgoraPolicies
{
    /// <summary>Registers a staff policy: role <c>admin</c> AND one of <paramref name="staffScopes"/>.</summary>
    public static AuthorizationBuilder AddStaffPolicy(this AuthorizationBuilder builder, string name, params string[] staffScopes) =>
        builder.AddPolicy(name, p => p.RequireAgoraAccess(new AgoraAccessRequirement(staffScopes: staffScopes)));

    /// <summary>Registers a service policy: a client-credentials token with one of <paramref name="serviceScopes"/>.</summary>
    public static AuthorizationBuilder AddServicePolicy(this AuthorizationBuilder builder, string name, params string[] serviceScopes) =>
        builder.AddPolicy(name, p => p.RequireAgoraAccess(new AgoraAccessRequirement(serviceScopes: serviceScopes)));

    /// <summary>
    /// A service policy that, with mutual TLS on, also requires the connection to be one of <paramref name="peers"/>'
    /// (<see cref="PeerPolicies.RequirePeer"/>): the token says the caller is a service, the certificate which one.
    /// </summary>
    public static AuthorizationBuilder AddPeerServicePolicy(this AuthorizationBuilder builder, string name, string[] peers, params string[] serviceScopes) =>
        builder.AddPolicy(name, p => p.RequireAgoraAccess(new AgoraAccessRequirement(serviceScopes: serviceScopes)).RequirePeer(peers));

    /// <summary>
    /// Registers a policy met by staff (role <c>admin</c> AND one of <paramref name="scopes"/>) or by a service
    /// (client credentials with one of <paramref name="scopes"/>).
    /// </summary>
    public static AuthorizationBuilder AddStaffOrServicePolicy(this AuthorizationBuilder builder, string name, params string[] scopes) =>
        builder.AddPolicy(name, p => p.RequireAgoraAccess(new AgoraAccessRequirement(staffScopes: scopes, serviceScopes: scopes)));

    /// <summary>
    /// Registers a policy met by any token granted one of <paramref name="scopes"/> (a customer's own data: the handler
    /// checks ownership), or by staff with one of <paramref name="staffScopes"/> when given.
    /// </summary>
    public static AuthorizationBuilder AddCustomerPolicy(
        this AuthorizationBuilder builder, string name, IReadOnlyCollection<string> scopes, IReadOnlyCollection<string>? staffScopes = null) =>
        builder.AddPolicy(name, p => p.RequireAgoraAccess(new AgoraAccessRequirement(scopes: scopes, staffScopes: staffScopes)));

    /// <summary>An authenticated bearer token that meets <paramref name="requirement"/>.</summary>
    public static AuthorizationPolicyBuilder RequireAgoraAccess(this AuthorizationPolicyBuilder policy, AgoraAccessRequirement requirement) =>
        policy.AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .AddRequirements(requirement);

    /// <summary>Whether the user was granted <paramref name="scope"/> (space-separated <c>scope</c> claims).</summary>
    public static bool HasScope(this ClaimsPrincipal user, string scope) =>
        user.FindAll(AgoraClaims.Scope).Any(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(scope, StringComparer.Ordinal));

    /// <summary>
    /// Whether the user has <paramref name="role"/> (<c>roles</c> or <c>role</c> claims). A role is who someone is, not
    /// what this token may do: to authorize, use <see cref="IsStaff"/> or the policies.
    /// </summary>
    public static bool HasRole(this ClaimsPrincipal user, string role) =>
        user.Claims.Any(c => (c.Type is AgoraClaims.Roles or AgoraClaims.Role) && string.Equals(c.Value, role, StringComparison.Ordinal));

    /// <summary>
    /// A client-credentials token: its subject is the client itself (<c>sub</c> equals <c>client_id</c>), so no user
    /// is behind it, and it carries no roles.
    /// </summary>
    public static bool IsServiceToken(this ClaimsPrincipal user)
    {
        var subject = user.FindFirst(AgoraClaims.Subject)?.Value;
        var client = user.FindFirst(AgoraClaims.ClientId)?.Value;
        return !string.IsNullOrEmpty(subject)
            && string.Equals(subject, client, StringComparison.Ordinal)
            && !user.Claims.Any(c => c.Type is AgoraClaims.Roles or AgoraClaims.Role);
    }

    /// <summary>
    /// Staff acting as staff: a user's token (not client credentials) with role <c>admin</c> AND one of
    /// <paramref name="staffScopes"/>.
    /// </summary>
    public static bool IsStaff(this ClaimsPrincipal user, params IReadOnlyCollection<string> staffScopes) =>
        user.Identity?.IsAuthenticated == true
        && !user.IsServiceToken()
        && user.HasRole(AgoraRoles.Admin)
        && staffScopes.Any(user.HasScope);

    /// <summary>A service acting for the shop: a client-credentials token with one of <paramref name="serviceScopes"/>.</summary>
    public static bool IsService(this ClaimsPrincipal user, params IReadOnlyCollection<string> serviceScopes) =>
        user.Identity?.IsAuthenticated == true && user.IsServiceToken() && serviceScopes.Any(user.HasScope);
}

/// <summary>
/// Who may call: met by any ONE of its branches, each of which is safe on its own — staff (role <c>admin</c> and one of
/// <see cref="StaffScopes"/>), a service (client credentials and one of <see cref="ServiceScopes"/>), or any token with
/// one of <see cref="Scopes"/>. An empty branch admits nobody. Being its own handler, it needs no registration.
/// Build it through <see cref="AgoraPolicies"/>.
/// </summary>
public sealed class AgoraAccessRequirement(
    IReadOnlyCollection<string>? scopes = null, IReadOnlyCollection<string>? staffScopes = null, IReadOnlyCollection<string>? serviceScopes = null)
    : AuthorizationHandler<AgoraAccessRequirement>, IAuthorizationRequirement
{
    /// <summary>Scopes any token may bring (a customer's own data; the handler checks ownership).</summary>
    public IReadOnlyCollection<string> Scopes { get; } = scopes ?? [];

    /// <summary>Scopes that admit staff: role <c>admin</c> on a user's token AND one of these.</summary>
    public IReadOnlyCollection<string> StaffScopes { get; } = staffScopes ?? [];

    /// <summary>Scopes that admit a service: a client-credentials token with one of these.</summary>
    public IReadOnlyCollection<string> ServiceScopes { get; } = serviceScopes ?? [];

    /// <summary>Whether <paramref name="user"/> meets one of the branches.</summary>
    public bool IsMetBy(ClaimsPrincipal user) =>
        Scopes.Any(user.HasScope)
        || (StaffScopes.Count > 0 && user.IsStaff(StaffScopes))
        || (ServiceScopes.Count > 0 && user.IsService(ServiceScopes));

    /// <inheritdoc />
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, AgoraAccessRequirement requirement)
    {
        if (requirement.IsMetBy(context.User))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }

    /// <summary>What the requirement asks for, in words (the OpenAPI description and the logs).</summary>
    public string Describe()
    {
        var parts = new List<string>();
        if (StaffScopes.Count > 0)
        {
            parts.Add($"staff (role `{AgoraRoles.Admin}` and scope {Either(StaffScopes)})");
        }

        if (ServiceScopes.Count > 0)
        {
            parts.Add($"a service's client-credentials token with scope {Either(ServiceScopes)}");
        }

        if (Scopes.Count > 0)
        {
            parts.Add($"scope {Either(Scopes)}");
        }

        return parts.Count == 0 ? "nothing (no one is allowed)" : string.Join(", or ", parts);

        static string Either(IEnumerable<string> values) => string.Join(" or ", values.Select(v => $"`{v}`"));
    }

    /// <inheritdoc />
    public override string ToString() => "Requires " + Describe();
}
