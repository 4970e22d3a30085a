using Agora.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Authorization;

namespace Agora.Payment;

/// <summary>Who may do what with payments.</summary>
internal static class PaymentPolicies
{
    /// <summary>
    /// Read and list payments: scope <c>read:payments</c> or <c>write:payments</c>, or role <c>admin</c>. Over REST a
    /// caller sees only payments whose customer it is (others are 404, and left out of lists) unless it is admin; over
    /// gRPC, which only services reach, any payment.
    /// </summary>
    public const string Read = "payments:read";

    /// <summary>Authorize, capture, void, refund (gRPC): scope <c>write:payments</c> or role <c>admin</c>.</summary>
    public const string Write = "payments:write";


    public const string ReadScope = "read:payments";
    public const string WriteScope = "write:payments";

    public static AuthorizationBuilder AddPaymentPolicies(this AuthorizationBuilder builder) => builder
        .AddScopeOrRolePolicy(Read, [ReadScope, WriteScope], [AgoraRoles.Admin])
        .AddScopeOrRolePolicy(Write, [WriteScope], [AgoraRoles.Admin]);
}
