using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using OpenIddict.Core;
using OpenIddict.EntityFrameworkCore.Models;

namespace Agora.Identity.Features.Connect;

/// <summary>
/// OpenIddict's application manager with one change: a client secret that verified against its stored PBKDF2 hash is
/// remembered for a few minutes, so a script asking for a token a thousand times a second pays the deliberately slow
/// hash once, not a thousand times (it was two thirds of the token endpoint's CPU).
/// </summary>
/// <remarks>
/// What is remembered is an HMAC, under a key that exists only in this process's memory, of the application id, the
/// stored hash and the presented secret — never the secret. Because the stored hash is part of it, changing a
/// client's secret ends the reuse at once; failures are never remembered, so guessing still costs a full PBKDF2 per
/// guess. Entries expire after <see cref="VerifiedSecretCache.Lifetime"/> and the cache is bounded.
/// </remarks>
internal sealed class CachingApplicationManager(
    IOpenIddictApplicationCache<OpenIddictEntityFrameworkCoreApplication> cache,
    ILogger<OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>> logger,
    IOptionsMonitor<OpenIddictCoreOptions> options,
    IOpenIddictApplicationStore<OpenIddictEntityFrameworkCoreApplication> store,
    VerifiedSecretCache verified)
    : OpenIddictApplicationManager<OpenIddictEntityFrameworkCoreApplication>(cache, logger, options, store)
{
    public override async ValueTask<bool> ValidateClientSecretAsync(
        OpenIddictEntityFrameworkCoreApplication application, string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(application);
        var stored = application.ClientSecret;
        if (string.IsNullOrEmpty(stored) || string.IsNullOrEmpty(secret))
        {
            return await base.ValidateClientSecretAsync(application, secret ?? string.Empty, cancellationToken);
        }

        var fingerprint = verified.Fingerprint(application.Id ?? string.Empty, stored, secret);
        if (verified.Contains(fingerprint))
        {
            return true;
        }

        var valid = await base.ValidateClientSecretAsync(application, secret, cancellationToken);
        if (valid)
        {
            verified.Remember(fingerprint);
        }

        return valid;
    }
}

/// <summary>Successful client-secret verifications, keyed by an in-process HMAC (see <see cref="CachingApplicationManager"/>).</summary>
internal sealed class VerifiedSecretCache(TimeProvider time) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);
    private const int Capacity = 10_000;
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);
    private readonly MemoryCache _entries = new(new MemoryCacheOptions { SizeLimit = Capacity, Clock = new SystemClockAdapter(time) });

    public string Fingerprint(string applicationId, string storedHash, string secret)
    {
        var input = Encoding.UTF8.GetBytes(string.Join('\n', applicationId, storedHash, secret));
        try
        {
            return Convert.ToBase64String(HMACSHA256.HashData(_key, input));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(input);
        }
    }

    public bool Contains(string fingerprint) => _entries.TryGetValue(fingerprint, out _);

    public void Remember(string fingerprint) =>
        _entries.Set(fingerprint, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });

    public void Dispose() => _entries.Dispose();

#pragma warning disable CS0618 // MemoryCacheOptions.Clock still takes the old ISystemClock.
    private sealed class SystemClockAdapter(TimeProvider time) : Microsoft.Extensions.Internal.ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
#pragma warning restore CS0618
}
