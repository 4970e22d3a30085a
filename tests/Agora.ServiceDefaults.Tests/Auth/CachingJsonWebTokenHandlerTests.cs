using System.Security.Claims;
using System.Security.Cryptography;
using Agora.Auth;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agora.ServiceDefaults.Tests.Auth;

public sealed class CachingJsonWebTokenHandlerTests
{
    private static readonly RsaSecurityKey Key = new(RSA.Create(2048)) { KeyId = "k1" };

    private static string Token(TimeSpan lifetime) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = "http://issuer", Audience = "agora", Subject = new ClaimsIdentity([new Claim("sub", "usr_1")]),
        NotBefore = DateTime.UtcNow.AddSeconds(-5), IssuedAt = DateTime.UtcNow.AddSeconds(-5), Expires = DateTime.UtcNow + lifetime,
        SigningCredentials = new SigningCredentials(Key, SecurityAlgorithms.RsaSha256), TokenType = "at+jwt",
    });

    private static TokenValidationParameters Parameters() => new()
    {
        ValidIssuer = "http://issuer", ValidAudience = "agora", IssuerSigningKey = Key, ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        ClockSkew = TimeSpan.Zero, ValidTypes = ["at+jwt"],
    };

    [Fact]
    public async Task CachedValidation_HandsOutIndependentClaims()
    {
        var handler = new CachingJsonWebTokenHandler(TimeProvider.System);
        var token = Token(TimeSpan.FromMinutes(5));
        var first = await handler.ValidateTokenAsync(token, Parameters());
        first.ClaimsIdentity.AddClaim(new Claim("roles", "admin")); // a careless claims transformation
        var second = await handler.ValidateTokenAsync(token, Parameters());
        Assert.True(second.IsValid);
        Assert.DoesNotContain(second.ClaimsIdentity.Claims, c => c.Type == "roles");
    }

    [Fact]
    public async Task CachedValidation_ExpiredToken_IsRejectedAfterItsExp()
    {
        var handler = new CachingJsonWebTokenHandler(TimeProvider.System);
        var token = Token(TimeSpan.FromSeconds(2));
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        await Task.Delay(TimeSpan.FromSeconds(2.5));
        Assert.False((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
    }

    [Fact]
    public async Task FailedValidation_IsNotCached()
    {
        var handler = new CachingJsonWebTokenHandler(TimeProvider.System);
        var token = Token(TimeSpan.FromMinutes(5));
        var wrongAudience = Parameters();
        wrongAudience.ValidAudience = "other";
        Assert.False((await handler.ValidateTokenAsync(token, wrongAudience)).IsValid);
        Assert.True((await handler.ValidateTokenAsync(token, Parameters())).IsValid);
        Assert.False((await handler.ValidateTokenAsync(token + "x", Parameters())).IsValid);
    }
}
