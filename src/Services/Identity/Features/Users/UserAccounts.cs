using Microsoft.AspNetCore.Identity;

namespace Agora.Identity.Features.Users;

/// <summary>Creates accounts: registration over REST and <c>CreateUser</c> over gRPC share the rules.</summary>
internal sealed class UserAccounts(IdentityDbContext db, IPasswordHasher<User> hasher, TimeProvider clock)
{
    public enum Outcome
    {
        Created,
        EmailTaken,
    }

    /// <summary>
    /// Adds an active customer. When the email is taken, the account that would have been made is returned unsaved
    /// (registration answers with it, so it cannot tell a taken email from a free one). Without a password (a service creating an account for someone) the account cannot sign
    /// in: the empty hash never verifies.
    /// </summary>
    public async Task<(Outcome Outcome, User? User)> CreateAsync(
        string name, string email, string? password, string? locale, bool marketingOptIn, CancellationToken ct)
    {
        var normalized = UserValidation.Normalize(email);
        var now = clock.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Id = Ids.New("usr"),
            Name = name.Trim(),
            Email = email.Trim(),
            EmailNormalized = normalized,
            Roles = AgoraRoles.Customer,
            Status = UserStatus.Active,
            Locale = locale,
            MarketingOptIn = marketingOptIn,
            CreatedAt = now,
            UpdatedAt = now,
        };
        if (password is not null)
        {
            // Hashed before the email is checked: a taken email costs the same time as a free one.
            user.PasswordHash = hasher.HashPassword(user, password);
        }

        if (await db.Users.AnyAsync(u => u.EmailNormalized == normalized, ct))
        {
            return (Outcome.EmailTaken, user);
        }

        db.Users.Add(user);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex) when (DbErrors.IsUniqueViolation(ex))
        {
            // Another registration with the same email won the race between our check and our insert.
            db.Entry(user).State = EntityState.Detached;
            return (Outcome.EmailTaken, user);
        }

        return (Outcome.Created, user);
    }
}
