using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.Testing;

/// <summary>An RSA signing key with its <c>kid</c>, generated in the test.</summary>
public sealed class TestKey : IDisposable
{
    public TestKey(string? kid = null)
    {
        Kid = kid ?? "k_" + Guid.NewGuid().ToString("N")[..12];
    }

    public RSA Rsa { get; } = RSA.Create(2048);
    public string Kid { get; }

    /// <summary>The public key as a JWK, as Identity publishes it.</summary>
    public JsonObject PublicJwk()
    {
        var p = Rsa.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "RSA", ["use"] = "sig", ["alg"] = "RS256", ["kid"] = Kid,
            ["n"] = Jwt.B64(p.Modulus!), ["e"] = Jwt.B64(p.Exponent!),
        };
    }

    public void Dispose() => Rsa.Dispose();
}

/// <summary>Hand-rolled JWS compact serialization, so a test can build any token, well-formed or forged.</summary>
public static class Jwt
{
    public static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Compact JSON as an issuer writes it (<c>at+jwt</c>, not <c>at\u002Bjwt</c>).</summary>
    private static readonly JsonSerializerOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string B64(JsonNode node) => B64(Encoding.UTF8.GetBytes(node.ToJsonString(Compact)));

    /// <summary><c>header.payload</c>, the signing input.</summary>
    public static string SigningInput(JsonObject header, JsonObject payload) => B64(header) + "." + B64(payload);

    /// <summary>Signs with RSASSA-PKCS1-v1_5 and the hash the header's <c>alg</c> names (RS256/384/512), or PSS for PS256.</summary>
    public static string Sign(JsonObject header, JsonObject payload, RSA key)
    {
        var input = SigningInput(header, payload);
        var (hash, padding) = ((string?)header["alg"]) switch
        {
            "RS384" => (HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
            "RS512" => (HashAlgorithmName.SHA512, RSASignaturePadding.Pkcs1),
            "PS256" => (HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
            _ => (HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
        };
        return input + "." + B64(key.SignData(Encoding.ASCII.GetBytes(input), hash, padding));
    }

    /// <summary>HS256 with an arbitrary secret (the "public key as HMAC secret" attack).</summary>
    public static string SignHs256(JsonObject header, JsonObject payload, byte[] secret)
    {
        var input = SigningInput(header, payload);
        return input + "." + B64(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(input)));
    }
}

/// <summary>
/// A test double of Identity: its discovery document and JWKS served over real HTTP by a tiny Kestrel on a loopback
/// port, plus an "attacker" JWKS on the same server, so a test can prove a token's <c>jku</c>/<c>x5u</c> are never
/// followed. Kestrel rather than a TestServer handler set as JwtBearer's backchannel: the service fetches the keys
/// through its own, unmodified JwtBearer configuration (only <c>Agora:Auth:Authority</c> changes), and the same
/// issuer serves Catalog started as a separate process. Tokens are minted here; validating them is the real code.
/// </summary>
public sealed class TestIdentity : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly List<TestKey> _published = [];
    private readonly Lock _lock = new();
    private int _jwksFetches;
    private int _discoveryFetches;
    private int _attackerFetches;

    private TestIdentity(WebApplication app)
    {
        _app = app;
        SigningKey = new TestKey();
        _published.Add(SigningKey);
        app.MapGet("/.well-known/openid-configuration", () =>
        {
            Interlocked.Increment(ref _discoveryFetches);
            return Results.Text(new JsonObject
            {
                ["issuer"] = Issuer,
                ["jwks_uri"] = Issuer + ".well-known/jwks",
                ["token_endpoint"] = Issuer + "connect/token",
                ["authorization_endpoint"] = Issuer + "connect/authorize",
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            }.ToJsonString(), "application/json");
        });
        app.MapGet("/.well-known/jwks", () =>
        {
            Interlocked.Increment(ref _jwksFetches);
            lock (_lock)
            {
                return Results.Text(new JsonObject { ["keys"] = new JsonArray(_published.Select(k => (JsonNode)k.PublicJwk()).ToArray()) }.ToJsonString(),
                    "application/json");
            }
        });
        app.MapGet("/attacker/{**rest}", () =>
        {
            Interlocked.Increment(ref _attackerFetches);
            return Results.Text(new JsonObject { ["keys"] = new JsonArray(Attacker.PublicJwk()) }.ToJsonString(), "application/json");
        });
    }

    /// <summary>The issuer URL (with the trailing slash, as OpenIddict writes it); Catalog's <c>Agora:Auth:Authority</c>.</summary>
    public string Issuer { get; private set; } = "";

    /// <summary>The key tokens are signed with now; published in the JWKS.</summary>
    public TestKey SigningKey { get; private set; }

    /// <summary>A key nobody published: what a forger signs with.</summary>
    public TestKey Attacker { get; } = new("attacker-key");

    /// <summary>Where the attacker's own JWKS lives (reachable, so a followed <c>jku</c> would show in the count).</summary>
    public string AttackerJwksUrl => Issuer + "attacker/jwks";

    public int JwksFetches => Volatile.Read(ref _jwksFetches);
    public int DiscoveryFetches => Volatile.Read(ref _discoveryFetches);
    public int AttackerFetches => Volatile.Read(ref _attackerFetches);

    /// <summary>
    /// An Identity double on a loopback port chosen now, so its <see cref="Issuer"/> can go into an app's settings
    /// before anything starts; it answers once <see cref="ListenAsync"/> has run.
    /// </summary>
    public static TestIdentity Create()
    {
        // Empty: no appsettings.json (the test directory has Catalog's, whose Kestrel endpoints would win over UseUrls).
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        var port = TestServers.FreePort();
        builder.WebHost.UseKestrelCore().UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddRoutingCore();
        return new TestIdentity(builder.Build()) { Issuer = $"http://127.0.0.1:{port}/" };
    }

    /// <summary>Starts serving the discovery document and the JWKS.</summary>
    public async Task ListenAsync()
    {
        if (!Listening)
        {
            await _app.StartAsync();
            Listening = true;
        }
    }

    /// <summary>Whether <see cref="ListenAsync"/> has run.</summary>
    public bool Listening { get; private set; }

    /// <summary>An Identity double, listening.</summary>
    public static async Task<TestIdentity> StartAsync()
    {
        var identity = Create();
        await identity.ListenAsync();
        return identity;
    }

    /// <summary>Publishes a new key in the JWKS (it is not used to sign until <see cref="SignWith"/>).</summary>
    public TestKey Publish(TestKey? key = null)
    {
        key ??= new TestKey();
        lock (_lock)
        {
            _published.Add(key);
        }

        return key;
    }

    /// <summary>Key rotation: a new key is published and signs from now on.</summary>
    public TestKey Rotate() => SigningKey = Publish();

    public void SignWith(TestKey key) => SigningKey = key;

    /// <summary>A well-formed access token: RS256, <c>kid</c>, <c>typ: at+jwt</c>, 10 minutes, audience <c>agora</c>.</summary>
    public TokenBuilder Token() => new(this);

    /// <summary>Every staff scope: what the shop's admin signs in with to the back office.</summary>
    public const string AllStaffScopes = "write:catalog write:inventory write:payments write:shipments admin:ops";

    /// <summary>Staff with every staff scope: role admin AND <see cref="AllStaffScopes"/> (a user's token).</summary>
    public string AdminToken() => StaffToken(AllStaffScopes);

    /// <summary>
    /// Staff: a user's token (authorization code, <c>sub</c> a user id) with role admin AND the given space-separated
    /// scopes. Staff endpoints want both; this is the token that opens them.
    /// </summary>
    public string StaffToken(string scope, string subject = "usr_staff") =>
        Token().Subject(subject).Claim("client_id", "agora-admin").Roles("admin").Scope(scope).Build();

    /// <summary>
    /// A service's client-credentials token: <c>sub</c> equals <c>client_id</c> (no user behind it), no roles, the
    /// given space-separated scopes. Service-only operations want exactly this.
    /// </summary>
    public string ServiceToken(string scope, string client = "svc-test") =>
        Token().Subject(client).Claim("client_id", client).Scope(scope).Build();

    /// <summary>A service's client-credentials token (same as <see cref="ServiceToken"/>).</summary>
    public string ClientToken(string scope) => ServiceToken(scope);

    /// <summary>
    /// A customer: a user's token issued to the shop front (<c>client_id</c> agora-web), no roles, the given scopes —
    /// whatever they are, staff scopes included, which is how an attacker who minted them would look.
    /// </summary>
    public string CustomerToken(string subject, string scope) =>
        Token().Subject(subject).Claim("client_id", "agora-web").Scope(scope).Build();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        foreach (var key in _published)
        {
            key.Dispose();
        }

        Attacker.Dispose();
    }
}

/// <summary>Builds one token; every claim and header can be changed or removed before <see cref="Build"/>.</summary>
public sealed class TokenBuilder
{
    private TestKey _key;

    internal TokenBuilder(TestIdentity identity)
    {
        _key = identity.SigningKey;
        var now = DateTimeOffset.UtcNow;
        Header = new JsonObject { ["alg"] = "RS256", ["typ"] = "at+jwt", ["kid"] = _key.Kid };
        Payload = new JsonObject
        {
            ["iss"] = identity.Issuer,
            ["sub"] = "usr_test",
            ["aud"] = "agora",
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = now.ToUnixTimeSeconds(),
            ["exp"] = now.AddMinutes(10).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["client_id"] = "agora-test",
        };
    }

    public JsonObject Header { get; }
    public JsonObject Payload { get; }

    public TokenBuilder Subject(string sub) => Claim("sub", sub);
    public TokenBuilder Scope(string scope) => Claim("scope", scope);
    public TokenBuilder Roles(params string[] roles) => Claim("roles", new JsonArray(roles.Select(r => (JsonNode?)r).ToArray()));

    public TokenBuilder Claim(string name, JsonNode? value)
    {
        Payload[name] = value;
        return this;
    }

    public TokenBuilder Without(string claim)
    {
        Payload.Remove(claim);
        return this;
    }

    public TokenBuilder HeaderValue(string name, JsonNode? value)
    {
        Header[name] = value;
        return this;
    }

    public TokenBuilder WithoutHeader(string name)
    {
        Header.Remove(name);
        return this;
    }

    /// <summary>Lifetime relative to now: expires <paramref name="expiresIn"/> from now (negative: in the past).</summary>
    public TokenBuilder Expires(TimeSpan expiresIn)
    {
        var exp = DateTimeOffset.UtcNow + expiresIn;
        Payload["exp"] = exp.ToUnixTimeSeconds();
        Payload["iat"] = exp.AddMinutes(-15).ToUnixTimeSeconds();
        Payload["nbf"] = exp.AddMinutes(-15).ToUnixTimeSeconds();
        return this;
    }

    public TokenBuilder NotBefore(TimeSpan fromNow)
    {
        Payload["nbf"] = (DateTimeOffset.UtcNow + fromNow).ToUnixTimeSeconds();
        return this;
    }

    /// <summary>Signs with another key; <c>kid</c> follows unless <paramref name="keepKid"/>.</summary>
    public TokenBuilder SignedBy(TestKey key, bool keepKid = false)
    {
        _key = key;
        if (!keepKid)
        {
            Header["kid"] = key.Kid;
        }

        return this;
    }

    public string Build() => Jwt.Sign(Header, Payload, _key.Rsa);

    /// <summary>The unsigned <c>header.payload</c>, for forgeries.</summary>
    public string SigningInput() => Jwt.SigningInput(Header, Payload);
}

/// <summary>Adds a bearer token to every request that has none: the "logged-in staff" client of the behaviour tests.</summary>
public sealed class BearerTokenHandler(Func<string> token) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", token());
        return base.SendAsync(request, cancellationToken);
    }
}
