using Microsoft.AspNetCore.Identity;

namespace Agora.Identity.Features.Account;

/// <summary>
/// A password hash of nothing anyone knows, made once with the configured hasher: verifying against it costs what a
/// real account costs, so an unknown email answers no faster.
/// </summary>
internal sealed class DummyPasswordHash
{
    public DummyPasswordHash(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher<User>>();
        User = new User { Id = "usr_dummy", Email = "", EmailNormalized = "", Name = "" };
        Hash = hasher.HashPassword(User, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
    }

    public User User { get; }

    public string Hash { get; }
}
