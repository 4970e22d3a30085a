using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace Agora.Identity.Features.Keys;

/// <summary>
/// The authorization server's keys, from Identity's database: created on first start (never temporary keys, so the
/// first token costs no key generation and every replica agrees), rotated on demand. The current key signs; the next
/// and retired keys are only published in the JWKS, so relying parties know a key before it signs and keep knowing it
/// until the tokens it signed have expired.
/// </summary>
internal sealed partial class KeyRing(
    IServiceScopeFactory scopes, TimeProvider clock, IOptionsMonitorCache<OpenIddictServerOptions> optionsCache,
    Microsoft.AspNetCore.DataProtection.IDataProtectionProvider dataProtection, ILogger<KeyRing> logger)
{
    private readonly Microsoft.AspNetCore.DataProtection.IDataProtector _protector = dataProtection.CreateProtector(KeyProtection.Purpose);

    /// <summary>How long a retired key stays published: the access-token lifetime plus the validators' clock skew.</summary>
    public static readonly TimeSpan RetirementGrace = IdentityDefaults.AccessTokenLifetime + TimeSpan.FromSeconds(30);

    /// <summary>Loads the keys, creating the first ones if the database has none.</summary>
    public IReadOnlyList<SigningKey> Load()
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var keys = db.SigningKeys.AsNoTracking().ToList();
        var changed = false;
        foreach (var key in keys.Where(NeedsReprotection))
        {
            // A key from before encryption at rest, or one encrypted under a Data Protection key that is no longer the
            // default (the ring rolled over, perhaps to a new certificate): encrypt it under the current one, so the
            // old ring keys and the old certificate can eventually go.
            key.ProtectedPrivateKey = _protector.Protect(Unprotect(key));
            db.SigningKeys.Update(key);
            changed = true;
        }

        if (!keys.Any(k => k.Use == "sig" && k.Status == KeyStatus.Current))
        {
            db.SigningKeys.Add(NewKey("sig", KeyStatus.Current, now));
            changed = true;
        }

        if (!keys.Any(k => k.Use == "sig" && k.Status == KeyStatus.Next))
        {
            db.SigningKeys.Add(NewKey("sig", KeyStatus.Next, now));
            changed = true;
        }

        if (!keys.Any(k => k.Use == "enc"))
        {
            db.SigningKeys.Add(NewKey("enc", KeyStatus.Current, now));
            changed = true;
        }

        var expired = keys.Where(k => k.Status == KeyStatus.Retired && k.RetiresAt <= now).ToList();
        if (expired.Count > 0)
        {
            db.SigningKeys.RemoveRange(expired);
            changed = true;
        }

        if (changed)
        {
            try
            {
                db.SaveChanges();
                LogCreated(logger);
            }
            catch (DbUpdateException)
            {
                // Another replica created them at the same moment; take theirs.
            }
        }

        return db.SigningKeys.AsNoTracking().ToList();
    }

    /// <summary>Next becomes current, current retires, a new next is published. Returns the new current key id.</summary>
    public async Task<string> RotateAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var keys = await db.SigningKeys.Where(k => k.Use == "sig").ToListAsync(ct);
        var next = keys.FirstOrDefault(k => k.Status == KeyStatus.Next) ?? NewKey("sig", KeyStatus.Next, now);
        foreach (var current in keys.Where(k => k.Status == KeyStatus.Current))
        {
            current.Status = KeyStatus.Retired;
            current.RetiresAt = now + RetirementGrace;
        }

        if (db.Entry(next).State == EntityState.Detached)
        {
            db.SigningKeys.Add(next);
        }

        next.Status = KeyStatus.Current;
        db.SigningKeys.Add(NewKey("sig", KeyStatus.Next, now));
        await db.SaveChangesAsync(ct);
        Reload();
        LogRotated(logger, next.Id);
        return next.Id;
    }

    /// <summary>Makes OpenIddict rebuild its options, and so re-read the keys, at the next request.</summary>
    public void Reload() => optionsCache.TryRemove(Options.DefaultName);

    private SigningKey NewKey(string use, KeyStatus status, DateTime now)
    {
        using var rsa = RSA.Create(2048);
        return new SigningKey
        {
            Id = $"{use}-{now:yyyyMMdd}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}",
            Use = use,
            Status = status,
            ProtectedPrivateKey = _protector.Protect(rsa.ExportPkcs8PrivateKeyPem()),
            CreatedAt = now,
        };
    }

    private static bool IsPlaintext(SigningKey key) => key.ProtectedPrivateKey.StartsWith("-----BEGIN", StringComparison.Ordinal);

    private string Unprotect(SigningKey key) => IsPlaintext(key) ? key.ProtectedPrivateKey : _protector.Unprotect(key.ProtectedPrivateKey);

    private bool NeedsReprotection(SigningKey key)
    {
        if (IsPlaintext(key))
        {
            return true;
        }

        if (_protector is not IPersistedDataProtector persisted)
        {
            return false;
        }

        persisted.DangerousUnprotect(Microsoft.AspNetCore.WebUtilities.WebEncoders.Base64UrlDecode(key.ProtectedPrivateKey),
            ignoreRevocationErrors: true, out var requiresMigration, out var wasRevoked);
        return requiresMigration || wasRevoked;
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "Ownership passes to the returned key, which OpenIddict signs and validates with for as long as the options hold it.")]
    internal RsaSecurityKey ToSecurityKey(SigningKey key)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(Unprotect(key));
        }
        catch
        {
            rsa.Dispose();
            throw;
        }

        return new RsaSecurityKey(rsa) { KeyId = key.Id };
    }

    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "Created the authorization server's keys")]
    private static partial void LogCreated(ILogger logger);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Warning, Message = "Rotated the signing key; {KeyId} signs from now on")]
    private static partial void LogRotated(ILogger logger, string keyId);
}

/// <summary>Feeds the key ring into OpenIddict each time its options are (re)built.</summary>
internal sealed class KeyRingServerOptions(KeyRing ring) : IConfigureOptions<OpenIddictServerOptions>
{
    public void Configure(OpenIddictServerOptions options)
    {
        var keys = ring.Load();
        // OpenIddict signs with the first usable credential and publishes all of them: current first.
        foreach (var key in keys.Where(k => k.Use == "sig").OrderBy(k => k.Status switch { KeyStatus.Current => 0, KeyStatus.Next => 1, _ => 2 }))
        {
            options.SigningCredentials.Add(new SigningCredentials(ring.ToSecurityKey(key), SecurityAlgorithms.RsaSha256));
        }

        foreach (var key in keys.Where(k => k.Use == "enc"))
        {
            options.EncryptionCredentials.Add(new EncryptingCredentials(ring.ToSecurityKey(key),
                SecurityAlgorithms.RsaOAEP, SecurityAlgorithms.Aes256CbcHmacSha512));
        }
    }
}
