using Microsoft.AspNetCore.Authorization;

namespace Agora.Payment;

/// <summary>Who may do what with payments.</summary>
internal static class PaymentPolicies
{
    /// <summary>
    /// REST reads: scope <c>read:payments</c> (a customer: their own payments only, others are 404 and left out of
    /// lists), or staff (role <c>admin</c> AND <c>write:payments</c> or <c>admin:ops</c>: every payment).
    /// </summary>
    public const string Read = "payments:read";

    /// <summary>
    /// gRPC authorize, capture, void, refund: service-only, a client-credentials token with <c>write:payments</c>. A
    /// user's token is PERMISSION_DENIED whatever its scopes or roles: money moves only for the shop's own services. With
    /// mutual TLS (<c>Agora:Tls:Mode=Mutual</c>) the connection must also be Ordering's (its client certificate).
    /// </summary>
    public const string Write = "payments:write";

    /// <summary>gRPC GetPayment: service-only, a client-credentials token with <c>read:payments</c> or <c>write:payments</c>.</summary>
    public const string ServiceRead = "payments:service-read";

    /// <summary>The one service that moves money (its order saga).</summary>
    public const string Peer = "ordering";

    /// <summary>Staff acting as staff: every customer's payments over REST.</summary>
    public static bool IsStaff(ClaimsPrincipal user) => user.IsStaff(AgoraScopes.WritePayments, AgoraScopes.AdminOps);

    public static AuthorizationBuilder AddPaymentPolicies(this AuthorizationBuilder builder) => builder
        .AddCustomerPolicy(Read, [AgoraScopes.ReadPayments, AgoraScopes.WritePayments], staffScopes: [AgoraScopes.WritePayments, AgoraScopes.AdminOps])
        .AddPeerServicePolicy(Write, [Peer], AgoraScopes.WritePayments)
        .AddServicePolicy(ServiceRead, AgoraScopes.ReadPayments, AgoraScopes.WritePayments);
}
