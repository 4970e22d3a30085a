using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Agora.Shipping.Features.CarrierCallbacks;

/// <summary>
/// The carrier webhook's signature, as payment and carrier webhooks commonly do it:
/// <c>X-Carrier-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "{t}.{raw body}"&gt;</c> with the shared secret.
/// The timestamp is signed too, so a captured callback cannot be replayed after the tolerance; several <c>v1</c> values
/// are accepted (a carrier signing with an old and a new secret while they rotate). Comparison is constant-time.
/// </summary>
public static class CarrierSignature
{
    public const string HeaderName = "X-Carrier-Signature";

    /// <summary>Why a signature was refused; null when it is valid.</summary>
    public static string? Verify(string? header, ReadOnlySpan<byte> body, string? secret, DateTimeOffset now, TimeSpan tolerance)
    {
        if (string.IsNullOrEmpty(secret))
        {
            return "callbacks are not accepted: no carrier secret is configured";
        }

        if (string.IsNullOrWhiteSpace(header))
        {
            return $"the {HeaderName} header is missing";
        }

        long? timestamp = null;
        var signatures = new List<byte[]>();
        foreach (var part in header.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            var (key, value) = (part[..eq], part[(eq + 1)..]);
            if (key == "t" && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var t))
            {
                timestamp = t;
            }
            else if (key == "v1" && value.Length == 64 && TryHex(value, out var mac))
            {
                signatures.Add(mac);
            }
        }

        if (timestamp is null || signatures.Count == 0)
        {
            return $"the {HeaderName} header is malformed (expected t=<unix seconds>,v1=<hex>)";
        }

        if (Math.Abs(now.ToUnixTimeSeconds() - timestamp.Value) > tolerance.TotalSeconds)
        {
            return "the signature's timestamp is outside the tolerance";
        }

        var expected = Compute(secret, timestamp.Value, body);
        var match = false;
        foreach (var candidate in signatures)
        {
            // Every candidate is compared, so the time taken says nothing about which one (if any) matched.
            match |= CryptographicOperations.FixedTimeEquals(candidate, expected);
        }

        return match ? null : "the signature does not match";
    }

    /// <summary>HMAC-SHA256 of <c>"{timestamp}.{body}"</c>.</summary>
    public static byte[] Compute(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var payload = new byte[prefix.Length + body.Length];
        prefix.CopyTo(payload, 0);
        body.CopyTo(payload.AsSpan(prefix.Length));
        return HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), payload);
    }

    /// <summary>The header value a carrier sends for <paramref name="body"/> at <paramref name="timestamp"/>.</summary>
    public static string Header(string secret, long timestamp, ReadOnlySpan<byte> body) =>
        $"t={timestamp.ToString(CultureInfo.InvariantCulture)},v1={Convert.ToHexStringLower(Compute(secret, timestamp, body))}";

    private static bool TryHex(string value, out byte[] bytes)
    {
        try
        {
            bytes = Convert.FromHexString(value);
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }
}
