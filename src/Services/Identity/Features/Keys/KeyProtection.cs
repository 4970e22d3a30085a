using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.DataProtection;

namespace Agora.Identity.Features.Keys;

/// <summary>
/// <c>Identity:DataProtection</c>: the certificate that encrypts ASP.NET Core Data Protection's key ring, which in turn
/// encrypts the signing keys (and the login and antiforgery cookies). Required outside Development.
/// </summary>
public sealed class KeyProtectionOptions
{
    public const string SectionName = "Identity:DataProtection";

    /// <summary>A PFX (PKCS#12) file with the private key: new key-ring keys are encrypted to it.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX's password, from a secret store.</summary>
    public string? CertificatePassword { get; set; }

    /// <summary>
    /// Earlier certificates (PFX files), kept while key-ring keys encrypted to them are still in use: rotation adds the
    /// new certificate as <see cref="CertificatePath"/> and moves the old one here.
    /// </summary>
    public List<string> PreviousCertificatePaths { get; set; } = [];

    /// <summary>The previous PFX files' password (one for all, as a secret store keeps it).</summary>
    public string? PreviousCertificatePassword { get; set; }

    /// <summary>How long a key-ring key is used for new protections before a new one is made. Default 90 days.</summary>
    [Range(typeof(TimeSpan), "7.00:00:00", "3650.00:00:00")]
    public TimeSpan KeyLifetime { get; set; } = TimeSpan.FromDays(90);
}

/// <summary>
/// Signing keys at rest: the private key is stored encrypted with ASP.NET Core Data Protection, whose key ring lives
/// in Identity's database (so every replica reads the same ring) encrypted with a certificate from configuration. A
/// database dump alone then holds no usable private key.
/// </summary>
internal static class KeyProtection
{
    /// <summary>The purpose string: a ciphertext for this purpose is useless for any other.</summary>
    public const string Purpose = "Agora.Identity.SigningKeys.v1";

    public static IHostApplicationBuilder AddKeyProtection(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<KeyProtectionOptions>(KeyProtectionOptions.SectionName);
        var options = builder.Configuration.GetSection(KeyProtectionOptions.SectionName).Get<KeyProtectionOptions>() ?? new KeyProtectionOptions();
        var dataProtection = builder.Services.AddDataProtection()
            .SetApplicationName("agora-identity")
            .SetDefaultKeyLifetime(options.KeyLifetime)
            .PersistKeysToDbContext<IdentityDbContext>();
        if (!string.IsNullOrEmpty(options.CertificatePath))
        {
            dataProtection.ProtectKeysWithCertificate(Load(options.CertificatePath, options.CertificatePassword, $"{KeyProtectionOptions.SectionName}:CertificatePath"));
            dataProtection.UnprotectKeysWithAnyCertificate([.. options.PreviousCertificatePaths.Select((p, i) =>
                Load(p, options.PreviousCertificatePassword, $"{KeyProtectionOptions.SectionName}:PreviousCertificatePaths:{i}"))]);
        }
        else if (!builder.Environment.IsDevelopment())
        {
            // Without it the key ring, and with it every signing key, would sit readable in the database.
            throw new InvalidOperationException(
                $"{KeyProtectionOptions.SectionName}:CertificatePath is not set: outside Development the Data Protection key ring that encrypts "
                + "the signing keys must be encrypted with a certificate (PFX) from configuration.");
        }

        return builder;
    }

    private static X509Certificate2 Load(string path, string? password, string setting)
    {
        try
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, X509KeyStorageFlags.EphemeralKeySet);
            return certificate.HasPrivateKey
                ? certificate
                : throw new InvalidOperationException($"{setting}: '{path}' has no private key.");
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new InvalidOperationException($"{setting}: cannot read '{path}' as a PFX with the configured password: {e.Message}", e);
        }
    }
}
