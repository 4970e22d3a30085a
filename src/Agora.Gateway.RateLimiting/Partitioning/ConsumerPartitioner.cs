using System.Net;
using System.Security.Claims;
using Agora.Http;
using Microsoft.AspNetCore.Http;

namespace Agora.Gateway.RateLimiting.Partitioning;

/// <summary>
/// Who a request counts against: the token's subject (<c>sub:</c>), else its client (<c>client:</c>), else the API key
/// (<c>key:</c>), else the client's IP address (<c>ip:</c>; for IPv6 its /64).
/// </summary>
/// <remarks>
/// The IP is the connection's peer, unless that peer is a trusted proxy: then <c>X-Forwarded-For</c> is read from the
/// right, skipping trusted proxies, and the first address that is not one is the client. A client cannot choose its
/// partition by sending <c>X-Forwarded-For</c> itself, because an untrusted peer's header is never read.
/// </remarks>
internal sealed class ConsumerPartitioner
{
    /// <summary>Claim the gateway's API-key handler sets for <c>X-API-Key</c> callers.</summary>
    public const string ApiKeyClaim = "api_key_id";

    private readonly TrustedProxies _trusted;

    public ConsumerPartitioner(IEnumerable<string> trustedProxies)
    {
        _trusted = new TrustedProxies(trustedProxies);
    }

    /// <summary>The partition key of <paramref name="context"/>'s consumer.</summary>
    public string GetPartition(HttpContext context)
    {
        var user = context.User;
        if (Claim(user, "sub") is { } sub)
        {
            return "sub:" + sub;
        }

        if (Claim(user, "client_id") is { } client)
        {
            return "client:" + client;
        }

        if (Claim(user, ApiKeyClaim) is { } key)
        {
            return "key:" + key;
        }

        return AddressPartition(context);
    }

    /// <summary>
    /// The client address's partition: <c>ip:203.0.113.7</c>, or for IPv6 its /64 (<c>ip:2001:db8:1:2::/64</c>), the
    /// network one subscriber gets: one IPv6 client has 2⁶⁴ addresses to rotate through.
    /// </summary>
    public string AddressPartition(HttpContext context)
    {
        var address = ClientAddress(context);
        if (address is null)
        {
            return "ip:unknown";
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return "ip:" + address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return "ip:" + new IPAddress(bytes) + "/64";
    }

    /// <summary>The client's address: the peer, or the right-most untrusted <c>X-Forwarded-For</c> hop behind trusted proxies.</summary>
    public IPAddress? ClientAddress(HttpContext context) => _trusted.ClientAddress(context);

    /// <summary>A claim of an authenticated identity only: an anonymous principal's claims prove nothing.</summary>
    private static string? Claim(ClaimsPrincipal user, string type)
    {
        foreach (var identity in user.Identities)
        {
            if (identity.IsAuthenticated && identity.FindFirst(type)?.Value is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }
}
