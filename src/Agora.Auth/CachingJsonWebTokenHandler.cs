using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Agora.Auth;

/// <summary>
/// Validates each distinct access token once: a client sends the same token on every request for up to 15 minutes,
/// and verifying its RS256 signature every time would cost more than a cached read. A successful validation is
/// remembered until the token expires or <see cref="MaxAge"/> passes, whichever is first; failures are never cached,
/// and every hit hands out a copy of the claims so no request can change another's. One instance serves one JwtBearer
/// scheme, whose issuer, audiences and algorithms are fixed; only its keys change (JWKS refresh), and a key that
/// leaves the JWKS is honoured for at most <see cref="MaxAge"/> more.
/// </summary>
internal sealed class CachingJsonWebTokenHandler(TimeProvider clock) : JsonWebTokenHandler
{
    /// <summary>The longest a validation is reused: how long a key removed from the JWKS may still be honoured.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>Distinct tokens remembered; beyond this the cache starts over (a flood of distinct tokens gains nothing).</summary>
    public const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, Entry> _validated = new(StringComparer.Ordinal);

    private sealed record Entry(TokenValidationResult Result, DateTimeOffset Until);

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        var now = clock.GetUtcNow();
        if (_validated.TryGetValue(token, out var hit))
        {
            if (now < hit.Until)
            {
                return Copy(hit.Result);
            }

            _validated.TryRemove(token, out _);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        if (result.IsValid && result.SecurityToken is { } validated)
        {
            var until = new DateTimeOffset(DateTime.SpecifyKind(validated.ValidTo, DateTimeKind.Utc));
            if (until > now + MaxAge)
            {
                until = now + MaxAge;
            }

            if (_validated.Count >= MaxEntries)
            {
                _validated.Clear();
            }

            _validated[token] = new Entry(result, until);
            return Copy(result);
        }

        return result;
    }

    private static TokenValidationResult Copy(TokenValidationResult source) => new()
    {
        IsValid = true,
        ClaimsIdentity = source.ClaimsIdentity.Clone(),
        SecurityToken = source.SecurityToken,
        Issuer = source.Issuer,
        TokenType = source.TokenType,
        TokenContext = source.TokenContext,
    };
}
