using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Caching.Memory;

namespace Agora.Identity.Features.Account;

/// <summary>
/// <c>Identity:Login</c>: how failed sign-ins slow down and then lock an account and a network. An attempt inside the
/// delay is answered 429 without looking at the password, so waiting is the only way on.
/// </summary>
public sealed class LoginThrottleOptions
{
    public const string SectionName = "Identity:Login";

    /// <summary>Failures per account before delays start. Default 3.</summary>
    [Range(1, 100)]
    public int AccountFreeFailures { get; set; } = 3;

    /// <summary>Failures per account that lock it for <see cref="LockoutDuration"/>. Default 10.</summary>
    [Range(2, 1000)]
    public int AccountLockoutFailures { get; set; } = 10;

    /// <summary>Failures per network (an IPv4 address, an IPv6 /64) before delays start. Default 20.</summary>
    [Range(1, 10_000)]
    public int NetworkFreeFailures { get; set; } = 20;

    /// <summary>Failures per network that lock it out. Default 100.</summary>
    [Range(2, 100_000)]
    public int NetworkLockoutFailures { get; set; } = 100;

    /// <summary>The first delay; each further failure doubles it. Default 1 second.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest delay. Default 1 minute.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long a lockout lasts. Default 15 minutes.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures older than this (since the last one) are forgotten. Default 1 hour.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Peers whose <c>X-Forwarded-For</c> (here) and <c>X-Forwarded-Proto</c> (<c>TransportSecurity</c>: HTTPS for the
    /// cookies and OpenIddict) are believed: the gateway. Default: loopback only. Any other peer is the client. IP
    /// addresses or CIDR networks (<c>10.244.0.0/16</c>: the gateway's pods, whose addresses are not known in advance);
    /// anything else stops the start.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = ["127.0.0.1", "::1"];
}

/// <summary>
/// Throttles sign-in per account (the normalized email, known or not, so an unknown one behaves like a known one) and
/// per network, with delays doubling from <see cref="LoginThrottleOptions.FirstDelay"/> and a temporary lockout. Kept
/// in memory per instance: a restart forgives, and N replicas allow N times the attempts (README states it).
/// </summary>
internal sealed class LoginThrottle(IOptions<LoginThrottleOptions> options, TimeProvider clock) : IDisposable
{
    private readonly MemoryCache _state = new(new MemoryCacheOptions { SizeLimit = 200_000 });
    private readonly Lock _gate = new();
    private readonly TrustedProxies _proxies = new(options.Value.TrustedProxies);

    private sealed class Counter
    {
        public int Failures;
        public DateTimeOffset LastFailure;
        public DateTimeOffset NotBefore;
    }

    /// <summary>How long the caller must still wait before trying <paramref name="email"/> from <paramref name="network"/>; zero when it may.</summary>
    public TimeSpan RetryAfter(string email, string network)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            var wait = TimeSpan.Zero;
            foreach (var key in Keys(email, network))
            {
                if (_state.TryGetValue(key, out Counter? counter) && counter!.NotBefore > now)
                {
                    wait = Max(wait, counter.NotBefore - now);
                }
            }

            return wait;
        }
    }

    /// <summary>Counts a failure against the account and the network.</summary>
    public void Failed(string email, string network)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            Count(AccountKey(email), o.AccountFreeFailures, o.AccountLockoutFailures, now);
            Count("net:" + network, o.NetworkFreeFailures, o.NetworkLockoutFailures, now);
        }
    }

    /// <summary>A successful sign-in clears the account's failures (not the network's).</summary>
    public void Succeeded(string email)
    {
        lock (_gate)
        {
            _state.Remove(AccountKey(email));
        }
    }

    private void Count(string key, int free, int lockout, DateTimeOffset now)
    {
        var o = options.Value;
        if (!_state.TryGetValue(key, out Counter? counter) || now - counter!.LastFailure > o.Window)
        {
            counter = new Counter();
        }

        counter.Failures++;
        counter.LastFailure = now;
        if (counter.Failures >= lockout)
        {
            counter.NotBefore = now + o.LockoutDuration;
            // After the lockout the next failures are delayed again from the start of the back-off, not locked at once.
            counter.Failures = free;
        }
        else if (counter.Failures >= free)
        {
            var doublings = Math.Min(counter.Failures - free, 30);
            counter.NotBefore = now + Min(o.FirstDelay * Math.Pow(2, doublings), o.MaxDelay);
        }

        _state.Set(key, counter, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = o.Window + o.LockoutDuration });
    }

    private static IEnumerable<string> Keys(string email, string network) => [AccountKey(email), "net:" + network];

    /// <summary>A fixed-size key: no email kept in memory, and a megabyte-long one costs no more than any other.</summary>
    private static string AccountKey(string email) =>
        "acct:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(email)));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>
    /// The network a request comes from: an IPv4 address, or the /64 of an IPv6 one (one household or server gets a /64,
    /// so per-address limits would be trivially dodged). Behind a trusted proxy, the right-most untrusted
    /// <c>X-Forwarded-For</c> hop.
    /// </summary>
    public string NetworkOf(HttpContext context) => _proxies.ClientAddress(context) is { } address ? Network(address) : "unknown";

    internal static string Network(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose() => _state.Dispose();
}
