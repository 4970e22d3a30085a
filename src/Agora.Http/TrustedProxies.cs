using System.Net;
using Microsoft.AspNetCore.Http;

namespace Agora.Http;

/// <summary>
/// Who the client of a request is, behind proxies that are trusted to say so (the gateway in front of Identity, a load
/// balancer in front of the gateway): the connection's peer, unless that peer is a trusted proxy; then
/// <c>X-Forwarded-For</c> is read from the right, skipping trusted proxies, and the first address that is not one is the
/// client. A client cannot choose its address by sending <c>X-Forwarded-For</c> itself: an untrusted peer's header is
/// never read. Each entry is an address (<c>10.0.0.7</c>) or a network (<c>10.0.0.0/8</c>, a pod network), IPv4 or IPv6.
/// </summary>
public sealed class TrustedProxies
{
    private const string ForwardedFor = "X-Forwarded-For";

    /// <summary>Parses every entry; a malformed one throws <see cref="FormatException"/> saying which.</summary>
    public TrustedProxies(IEnumerable<string> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        Networks = entries.Select(Parse).ToArray();
    }

    /// <summary>The trusted networks (a single address is a /32 or /128).</summary>
    public IReadOnlyList<IPNetwork> Networks { get; }

    /// <summary>Parses <c>10.0.0.7</c> or <c>10.0.0.0/8</c> (IPv4 or IPv6).</summary>
    public static IPNetwork Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        if (IPNetwork.TryParse(text, out var network))
        {
            return network;
        }

        if (IPAddress.TryParse(text, out var address))
        {
            address = Normalize(address);
            return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
        }

        throw new FormatException($"'{value}' is neither an IP address nor a CIDR network.");
    }

    /// <summary>Whether every entry parses (for options validation).</summary>
    public static bool AreValid(IEnumerable<string> entries) =>
        entries.All(e => e is not null && (IPNetwork.TryParse(e.Trim(), out _) || IPAddress.TryParse(e.Trim(), out _)));

    /// <summary>Whether <paramref name="address"/> is a trusted proxy's.</summary>
    public bool IsTrusted(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        address = Normalize(address);
        foreach (var network in Networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The client's address: the peer, or the right-most untrusted <c>X-Forwarded-For</c> hop behind trusted proxies.</summary>
    public IPAddress? ClientAddress(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Connection.RemoteIpAddress is not { } remote)
        {
            return null;
        }

        var peer = Normalize(remote);
        if (Networks.Count == 0 || !IsTrusted(peer))
        {
            return peer;
        }

        var headers = context.Request.Headers[ForwardedFor];
        var current = peer;

        // Right to left over every X-Forwarded-For line and comma-separated entry.
        for (var h = headers.Count - 1; h >= 0; h--)
        {
            var line = (headers[h] ?? "").AsSpan();
            while (line.Length > 0)
            {
                var comma = line.LastIndexOf(',');
                var entry = (comma < 0 ? line : line[(comma + 1)..]).Trim();
                line = comma < 0 ? [] : line[..comma];
                if (entry.IsEmpty)
                {
                    continue;
                }

                if (!IPAddress.TryParse(entry, out var hop))
                {
                    // Garbage from beyond the last trusted hop: the last hop we could trust is the client.
                    return current;
                }

                current = Normalize(hop);
                if (!IsTrusted(current))
                {
                    return current;
                }
            }
        }

        return current;
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
}
