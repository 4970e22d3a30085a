namespace Agora.Identity.Features.Users;

/// <summary>
/// How passwords are stored: ASP.NET Core Identity's <c>PasswordHasher</c> (format v3: PBKDF2 with HMAC-SHA512, a
/// 128-bit random salt per password, 256-bit subkey), tuned by <c>Identity:PasswordHasher:IterationCount</c>. A hash
/// made with fewer iterations than configured is upgraded at the user's next login, so raising the count is safe.
/// </summary>
public static class PasswordHashing
{
    /// <summary>Configuration section bound to <c>PasswordHasherOptions</c>.</summary>
    public const string SectionName = "Identity:PasswordHasher";

    /// <summary>
    /// Default 210,000: the OWASP Password Storage Cheat Sheet's figure for PBKDF2-HMAC-SHA512 (ASP.NET Core's own
    /// default is 100,000).
    /// </summary>
    public const int DefaultIterationCount = 210_000;

    /// <summary>Configuration below ASP.NET Core's default (100,000) is refused at start.</summary>
    public const int MinIterationCount = 100_000;
}
