using System.Net;
using Agora.Http;
using Microsoft.AspNetCore.Http;

namespace Agora.ServiceDefaults.Tests.Http;

/// <summary>
/// The client's address behind trusted proxies (the gateway's rate limiter and Identity's sign-in throttle and forwarded
/// scheme use the same rule): X-Forwarded-For is read only from a trusted peer, right to left, stopping at the first
/// address that is not a trusted proxy's.
/// </summary>
public sealed class TrustedProxiesTests
{
    private static readonly TrustedProxies Proxies = new(["10.0.0.0/8", "192.0.2.1", "fd00::/8"]);

    [Theory]
    [InlineData("203.0.113.9", null, "203.0.113.9")] // no proxy
    [InlineData("203.0.113.9", "198.51.100.7", "203.0.113.9")] // an untrusted peer's header is never read
    [InlineData("10.1.2.3", "198.51.100.7", "198.51.100.7")] // a gateway pod in the trusted network
    [InlineData("::ffff:10.1.2.3", "198.51.100.7", "198.51.100.7")] // the same peer, IPv4-mapped
    [InlineData("192.0.2.1", "198.51.100.7, 10.9.9.9", "198.51.100.7")] // two trusted hops
    [InlineData("10.1.2.3", "1.1.1.1, 198.51.100.7", "198.51.100.7")] // a client cannot prepend an address of its choosing
    [InlineData("10.1.2.3", "garbage, 10.4.4.4", "10.4.4.4")] // garbage beyond the last trusted hop: that hop is the client
    [InlineData("192.0.2.2", "198.51.100.7", "192.0.2.2")] // a single trusted address is a /32
    [InlineData("fd12::1", "2001:db8::5", "2001:db8::5")]
    public void The_client_is_the_right_most_hop_that_is_not_a_trusted_proxy(string peer, string? forwardedFor, string client)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(peer);
        if (forwardedFor is not null)
        {
            context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        }

        Assert.Equal(IPAddress.Parse(client), Proxies.ClientAddress(context));
    }

    [Theory]
    [InlineData("10.0.0.0/33")]
    [InlineData("gateway")]
    [InlineData("10.0.0.1/")]
    public void A_malformed_entry_is_refused_and_named(string entry)
    {
        Assert.False(TrustedProxies.AreValid([entry]));
        var e = Assert.Throws<FormatException>(() => new TrustedProxies([entry]));
        Assert.Contains(entry, e.Message, StringComparison.Ordinal);
    }
}
