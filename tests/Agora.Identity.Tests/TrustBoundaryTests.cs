using Agora.Identity.Features.Keys;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Agora.Hosting;
using Agora.Identity.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using static Agora.Identity.Tests.UsersTestKit;

namespace Agora.Identity.Tests;

/// <summary>
/// The trust boundaries of the authorization server, one test per attack that used to work: scopes follow roles, roles
/// only reach first-party clients, demo secrets only in Development, sign-in cannot be brute-forced or used to
/// enumerate accounts, no open redirect, no framing, no plaintext keys at rest.
/// </summary>
public sealed class TrustBoundaryTests(EmbeddedIdentityFixture fixture) : IClassFixture<EmbeddedIdentityFixture>
{
    private const string PartnerRedirect = "http://localhost:4000/callback";

    private static string[] ScopesOf(string token) => ((string?)OAuth.Payload(token)["scope"] ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    private static string[] RolesOf(string token) => OAuth.Payload(token)["roles"] switch
    {
        null => [],
        JsonArray a => [.. a.Select(r => (string)r!)],
        var single => [(string)single!],
    };

    [Fact]
    public async Task Customer_asking_agora_web_for_write_catalog_gets_a_token_without_it()
    {
        var token = await SignInAsync(fixture, DemoSeeder.CustomerEmail, DemoSeeder.CustomerPassword, "openid write:catalog write:inventory write:payments write:orders");
        var scopes = ScopesOf(token);
        Assert.DoesNotContain("write:catalog", scopes);
        Assert.DoesNotContain("write:inventory", scopes);
        Assert.DoesNotContain("write:payments", scopes);
        Assert.Contains("write:orders", scopes); // what a customer may hold is still granted
    }

    [Fact]
    public async Task Admin_through_the_public_web_client_gets_no_staff_scope()
    {
        var token = await SignInAsync(fixture, DemoSeeder.AdminEmail, DemoSeeder.AdminPassword, "openid roles write:catalog admin:ops read:users");
        Assert.DoesNotContain("write:catalog", ScopesOf(token));
        Assert.DoesNotContain("admin:ops", ScopesOf(token));
        Assert.Contains("read:users", ScopesOf(token));
    }

    [Fact]
    public async Task Staff_endpoint_refuses_the_admin_role_without_the_admin_ops_scope()
    {
        // The admin role rides in this token (first-party client, roles scope), but no staff scope: not enough.
        var token = await SignInAsync(fixture, DemoSeeder.AdminEmail, DemoSeeder.AdminPassword, "openid roles read:users");
        Assert.Contains("admin", RolesOf(token));
        var response = await Api(fixture, token).PostAsync("/api/v1/admin/signing-keys/rotate", null);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("FORBIDDEN", await ErrorCodeAsync(response));
        var keys = await Api(fixture, token).PostAsJsonAsync("/api/v1/api-keys", new { name = "sneaky", scopes = new[] { "read:catalog" } });
        Assert.Equal(HttpStatusCode.Forbidden, keys.StatusCode);
    }

    [Fact]
    public async Task Partner_client_consented_by_an_admin_gets_no_roles_claim()
    {
        var browser = fixture.Browser();
        var (verifier, challenge) = OAuth.Pkce();
        var url = OAuth.AuthorizeUrl(challenge, "p-roles", redirect: PartnerRedirect, client: DemoSeeder.PartnerClientId, scope: "profile read:orders");
        await Assert.ThrowsAnyAsync<Exception>(() => OAuth.SignInAndAuthorizeAsync(browser, url, DemoSeeder.AdminEmail, DemoSeeder.AdminPassword));
        var page = await (await browser.GetAsync(url)).Content.ReadAsStringAsync();
        var fields = System.Text.RegularExpressions.Regex.Matches(page, "<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")
            .ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));
        fields["consent"] = "grant";
        using var consent = new FormUrlEncodedContent(fields);
        var granted = await browser.PostAsync("/connect/authorize", consent);
        Assert.Equal(HttpStatusCode.Redirect, granted.StatusCode);
        var (status, body) = await OAuth.TokenAsync(browser, new()
        {
            ["grant_type"] = "authorization_code", ["code"] = OAuth.Query(granted.Headers.Location!)["code"], ["redirect_uri"] = PartnerRedirect,
            ["client_id"] = DemoSeeder.PartnerClientId, ["code_verifier"] = verifier,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        var token = (string)body["access_token"]!;
        Assert.Empty(RolesOf(token));
        Assert.Null(OAuth.Payload(token)["role"]);
        Assert.Equal(["profile", "read:orders"], ScopesOf(token).Order());
    }

    [Fact]
    public async Task Revoked_admin_role_shrinks_the_next_refresh()
    {
        var staff = await NewCustomerAsync(fixture);
        await SetRolesAsync(staff.Id, "admin customer");
        var first = await SignInForTokensAsync(fixture, staff.Email, staff.Password, "openid offline_access roles write:catalog admin:ops read:users",
            DemoSeeder.AdminClientId, DemoSeeder.AdminClientSecret);
        Assert.Contains("write:catalog", ScopesOf((string)first["access_token"]!));
        Assert.Contains("admin", RolesOf((string)first["access_token"]!));

        await SetRolesAsync(staff.Id, "customer");
        var (status, refreshed) = await OAuth.TokenAsync(fixture.App.CreateClient(), new()
        {
            ["grant_type"] = "refresh_token", ["refresh_token"] = (string)first["refresh_token"]!,
            ["client_id"] = DemoSeeder.AdminClientId, ["client_secret"] = DemoSeeder.AdminClientSecret,
        });
        Assert.True(status == HttpStatusCode.OK, refreshed.ToJsonString());
        var token = (string)refreshed["access_token"]!;
        Assert.DoesNotContain("write:catalog", ScopesOf(token));
        Assert.DoesNotContain("admin:ops", ScopesOf(token));
        Assert.Contains("read:users", ScopesOf(token));
        Assert.DoesNotContain("admin", RolesOf(token));
    }

    private async Task SetRolesAsync(string userId, string roles)
    {
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var user = await db.Users.SingleAsync(u => u.Id == userId);
        user.Roles = roles;
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Public_client_with_a_configured_staff_scope_still_never_gets_it()
    {
        await using var app = new ServiceApp<Program>("identity", AgoraMode.Embedded);
        app.With("environment", "Development")
            .With("Identity:Clients:kiosk:Type", "Public")
            .With("Identity:Clients:kiosk:FirstParty", "true")
            .With("Identity:Clients:kiosk:RedirectUris:0", OAuth.Redirect)
            .With("Identity:Clients:kiosk:Scopes:0", "write:catalog")
            .With("Identity:Clients:kiosk:Scopes:1", "read:catalog");
        var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser, OAuth.AuthorizeUrl(challenge, "k", client: "kiosk", scope: "openid write:catalog read:catalog"),
            DemoSeeder.AdminEmail, DemoSeeder.AdminPassword);
        var (status, body) = await OAuth.TokenAsync(browser, new()
        {
            ["grant_type"] = "authorization_code", ["code"] = OAuth.Query(callback)["code"], ["redirect_uri"] = OAuth.Redirect,
            ["client_id"] = "kiosk", ["code_verifier"] = verifier,
        });
        Assert.True(status == HttpStatusCode.OK, body.ToJsonString());
        Assert.Equal(["openid", "read:catalog"], ScopesOf((string)body["access_token"]!).Order());
    }

    [Theory]
    [InlineData("Gateway:ApiKeys:ClientSecret", "agora-scripts-secret")]
    [InlineData("Shipping:CarrierWebhookSecret", "agora-dev-carrier-webhook-secret")]
    [InlineData("Identity:Clients:ops:Secret", "Admin!2345")]
    [InlineData("Identity:SeedDemoAccounts", "true")]
    public void Production_start_with_a_demo_secret_fails_naming_the_setting(string setting, string value)
    {
        using var app = new ServiceApp<Program>("identity", AgoraMode.Embedded);
        app.With("environment", "Production").With(setting, value);
        var e = Assert.ThrowsAny<Exception>(() => app.Server);
        var messages = string.Join(" | ", Flatten(e).Select(x => x.Message));
        Assert.Contains(setting, messages);
        Assert.Contains("Production", messages);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
        }
    }

    /// <summary>A self-signed PFX for the Data Protection key ring, as production configures one.</summary>
    private static (string Path, string Password) KeyRingCertificate()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=agora-identity-test", rsa,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        var password = Guid.NewGuid().ToString("N");
        var path = Path.Combine(Path.GetTempPath(), $"agora-keyring-{Guid.NewGuid():N}.pfx");
        File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pfx, password));
        return (path, password);
    }

    [Fact]
    public void Production_start_without_a_key_ring_certificate_fails_naming_the_setting()
    {
        using var app = new ServiceApp<Program>("identity", AgoraMode.Embedded);
        app.With("environment", "Production");
        var e = Assert.ThrowsAny<Exception>(() => app.Server);
        Assert.Contains("Identity:DataProtection:CertificatePath", string.Join(" | ", Flatten(e).Select(x => x.Message)));
    }

    [Fact]
    public async Task Production_start_has_no_demo_users_or_clients()
    {
        var (pfx, password) = KeyRingCertificate();
        await using var app = new ServiceApp<Program>("identity", AgoraMode.Embedded);
        app.With("environment", "Production")
            .With("Identity:DataProtection:CertificatePath", pfx).With("Identity:DataProtection:CertificatePassword", password);
        // Outside Development Identity answers HTTPS only (issue 14); TLS is terminated in front of it.
        var (status, body) = await OAuth.TokenAsync(app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost") }), new()
        {
            ["grant_type"] = "client_credentials", ["client_id"] = DemoSeeder.ScriptsClientId, ["client_secret"] = DemoSeeder.ScriptsClientSecret,
        });
        Assert.Equal("invalid_client", (string?)body["error"]);
        Assert.NotEqual(HttpStatusCode.OK, status);
        using var scope = app.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().Users.AnyAsync());
    }

    [Fact]
    public async Task Development_start_keeps_the_demo_accounts_and_clients()
    {
        var token = await ServiceTokenAsync(fixture, "read:users");
        Assert.StartsWith("ey", token);
        Assert.NotEmpty(await SignInAsync(fixture, DemoSeeder.CustomerEmail, DemoSeeder.CustomerPassword));
    }

    [Fact]
    public async Task Register_an_existing_email_is_indistinguishable_from_a_new_one()
    {
        var taken = await NewCustomerAsync(fixture, "Original Owner");
        var fresh = await RegisterAsync(fixture, new { name = "Someone", email = NewEmail(), password = "Another-Horse-42" });
        var again = await RegisterAsync(fixture, new { name = "Someone", email = taken.Email, password = "Another-Horse-42" });

        Assert.Equal(fresh.StatusCode, again.StatusCode);
        Assert.Equal(HttpStatusCode.Created, again.StatusCode);
        Assert.Equal(fresh.Headers.Select(h => h.Key).Order(), again.Headers.Select(h => h.Key).Order());
        var a = (await BodyAsync(fresh))["data"]!.AsObject();
        var b = (await BodyAsync(again))["data"]!.AsObject();
        Assert.Equal(a.Select(p => p.Key), b.Select(p => p.Key));
        Assert.NotEqual(taken.Id, (string)b["id"]!);

        // Nothing changed for the owner; the second registration's password opens nothing.
        Assert.NotEmpty(await SignInAsync(fixture, taken.Email, taken.Password));
        await Assert.ThrowsAnyAsync<Exception>(() => SignInAsync(fixture, taken.Email, "Another-Horse-42"));
    }

    [Theory]
    [InlineData("/%09/evil.example")]
    [InlineData("/%0a/evil.example")]
    [InlineData("/%5Cevil.example")]
    [InlineData("//evil.example")]
    [InlineData("https://evil.example/")]
    public async Task Login_return_url_to_another_site_is_refused(string returnUrl)
    {
        var browser = fixture.Browser();
        var page = await browser.GetStringAsync("/account/login?returnUrl=" + returnUrl);
        Assert.Equal("/", OAuth.InputValue(page, "return_url"));

        // And posted directly with the form, the redirect after a good password stays home.
        using var login = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = OAuth.InputValue(page, "__RequestVerificationToken"),
            ["return_url"] = Uri.UnescapeDataString(returnUrl), ["email"] = DemoSeeder.CustomerEmail, ["password"] = DemoSeeder.CustomerPassword,
        });
        var posted = await browser.PostAsync("/account/login", login);
        Assert.Equal(HttpStatusCode.Redirect, posted.StatusCode);
        Assert.Equal("/", posted.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Login_and_consent_pages_cannot_be_framed()
    {
        var browser = fixture.Browser();
        var login = await browser.GetAsync("/account/login?returnUrl=/");
        AssertNotFramable(login);

        var (_, challenge) = OAuth.Pkce();
        var url = OAuth.AuthorizeUrl(challenge, "frame", redirect: PartnerRedirect, client: DemoSeeder.PartnerClientId, scope: "profile");
        await Assert.ThrowsAnyAsync<Exception>(() => OAuth.SignInAndAuthorizeAsync(browser, url, DemoSeeder.CustomerEmail, DemoSeeder.CustomerPassword));
        var consent = await browser.GetAsync(url);
        Assert.Contains("Allow access?", await consent.Content.ReadAsStringAsync());
        AssertNotFramable(consent);
    }

    private static void AssertNotFramable(HttpResponseMessage response)
    {
        Assert.Contains("frame-ancestors 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("DENY", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
    }

    [Fact]
    public async Task Signing_keys_are_not_stored_as_plaintext_pem()
    {
        Assert.NotEmpty(await fixture.App.CreateClient().GetStringAsync("/.well-known/jwks"));
        using var scope = fixture.App.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
        var keys = await db.SigningKeys.ToListAsync();
        Assert.NotEmpty(keys);
        foreach (var key in keys)
        {
            foreach (var value in db.Entry(key).Properties.Select(p => p.CurrentValue).OfType<string>())
            {
                Assert.DoesNotContain("PRIVATE KEY", value, StringComparison.Ordinal);
                Assert.DoesNotContain("MII", value[..Math.Min(value.Length, 8)], StringComparison.Ordinal); // nor bare DER base64
            }
        }
    }

    [Fact]
    public async Task Signing_key_stored_in_plaintext_before_the_upgrade_is_encrypted_at_the_next_load()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var id = $"sig-20260101-{Guid.NewGuid().ToString("N")[..8]}";
        using (var scope = fixture.App.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<IdentityDbContext>();
            db.SigningKeys.Add(new SigningKey
            {
                Id = id, Use = "sig", Status = KeyStatus.Retired, RetiresAt = DateTime.UtcNow.AddHours(1), CreatedAt = DateTime.UtcNow,
                ProtectedPrivateKey = rsa.ExportPkcs8PrivateKeyPem(),
            });
            await db.SaveChangesAsync();
        }

        var ring = fixture.App.Services.GetRequiredService<KeyRing>();
        ring.Load();
        ring.Reload();
        using (var scope = fixture.App.Services.CreateScope())
        {
            var stored = await scope.ServiceProvider.GetRequiredService<IdentityDbContext>().SigningKeys.AsNoTracking().SingleAsync(k => k.Id == id);
            Assert.DoesNotContain("PRIVATE KEY", stored.ProtectedPrivateKey, StringComparison.Ordinal);
        }

        Assert.Contains(id, await fixture.App.CreateClient().GetStringAsync("/.well-known/jwks"));
    }
}

/// <summary>Identity with a fake clock, a counting password hasher and a test header naming the client's address.</summary>
public sealed class ThrottledIdentityFixture : IAsyncLifetime
{
    public const string PeerHeader = "X-Test-Peer";

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public CountingHasher Hasher { get; } = new();

    public ServiceApp<Program> App { get; private set; } = null!;

    public Task InitializeAsync()
    {
        App = new ServiceApp<Program>("identity", AgoraMode.Embedded);
        App.With("environment", "Development")
            .With("Identity:Login:NetworkFreeFailures", "6")
            .With("Identity:Login:NetworkLockoutFailures", "50")
            .With("Identity:PasswordHasher:IterationCount", "100000")
            .WithServices(s =>
            {
                s.AddSingleton<TimeProvider>(Clock);
                s.AddSingleton(Hasher);
                s.AddScoped<IPasswordHasher<User>>(sp => Hasher.Over(new PasswordHasher<User>(sp.GetRequiredService<IOptions<PasswordHasherOptions>>())));
                s.AddTransient<IStartupFilter, PeerFromHeader>();
            });
        _ = App.Server;
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await App.DisposeAsync();

    public HttpClient Browser() => App.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>TestServer has no peer address; a test names one.</summary>
    private sealed class PeerFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, proceed) =>
            {
                if (IPAddress.TryParse(context.Request.Headers[PeerHeader], out var peer))
                {
                    context.Connection.RemoteIpAddress = peer;
                }

                return proceed(context);
            });
            next(app);
        };
    }
}

/// <summary>Counts password verifications (a hash computed is a verification made).</summary>
public sealed class CountingHasher
{
    private int _verifications;

    public int Verifications => Volatile.Read(ref _verifications);

    public IPasswordHasher<User> Over(IPasswordHasher<User> inner) => new Counting(inner, this);

    private sealed class Counting(IPasswordHasher<User> inner, CountingHasher counter) : IPasswordHasher<User>
    {
        public string HashPassword(User user, string password) => inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(User user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref counter._verifications);
            return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}

/// <summary>Brute force and enumeration at the login form, with a fake clock: delays grow, then a lockout; no shortcut for unknown emails.</summary>
public sealed class LoginThrottleTests(ThrottledIdentityFixture fixture) : IClassFixture<ThrottledIdentityFixture>
{
    private static async Task<HttpResponseMessage> LoginAsync(HttpClient browser, string email, string password, string peer)
    {
        var page = await browser.GetStringAsync("/account/login?returnUrl=/");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/account/login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = OAuth.InputValue(page, "__RequestVerificationToken"),
                ["return_url"] = "/", ["email"] = email, ["password"] = password,
            }),
        };
        request.Headers.Add(ThrottledIdentityFixture.PeerHeader, peer);
        return await browser.SendAsync(request);
    }

    private static int RetryAfter(HttpResponseMessage response) => (int)response.Headers.RetryAfter!.Delta!.Value.TotalSeconds;

    [Fact]
    public async Task Login_after_repeated_failures_is_delayed_longer_each_time_then_locked_out()
    {
        var browser = fixture.Browser();
        var account = await NewAccountAsync();
        var peer = "198.51.100." + Random.Shared.Next(1, 250);

        // Three free failures, each answered at once.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await LoginAsync(browser, account, "wrong-" + i, NextPeer())).StatusCode);
        }

        // Then every further failure doubles the wait; inside the wait even the right password is refused (429).
        var delays = new List<int>();
        for (var i = 0; i < 6; i++)
        {
            var refused = await LoginAsync(browser, account, UsersTestKit.Password, NextPeer());
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            delays.Add(RetryAfter(refused));
            fixture.Clock.Advance(TimeSpan.FromSeconds(RetryAfter(refused)));
            Assert.Equal(HttpStatusCode.BadRequest, (await LoginAsync(browser, account, "wrong-again-" + i, NextPeer())).StatusCode);
        }

        Assert.Equal([1, 2, 4, 8, 16, 32], delays);

        // The tenth failure locks the account for 15 minutes.
        var locked = await LoginAsync(browser, account, UsersTestKit.Password, NextPeer());
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        fixture.Clock.Advance(TimeSpan.FromSeconds(RetryAfter(locked)));
        Assert.Equal(HttpStatusCode.BadRequest, (await LoginAsync(browser, account, "wrong-9", NextPeer())).StatusCode);
        var lockout = await LoginAsync(browser, account, UsersTestKit.Password, NextPeer());
        Assert.Equal(HttpStatusCode.TooManyRequests, lockout.StatusCode);
        Assert.InRange(RetryAfter(lockout), 14 * 60, 15 * 60);

        fixture.Clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.Redirect, (await LoginAsync(browser, account, UsersTestKit.Password, NextPeer())).StatusCode);
        _ = peer;
    }

    [Fact]
    public async Task Login_failures_from_one_ipv6_64_throttle_that_network_for_every_account()
    {
        var browser = fixture.Browser();
        var prefix = $"2001:db8:{Random.Shared.Next(1, 0xffff):x}:{Random.Shared.Next(1, 0xffff):x}";
        for (var i = 0; i < 6; i++)
        {
            // A different address of the same /64 and a different email each time: only the network ties them.
            var failed = await LoginAsync(browser, UsersTestKit.NewEmail("spray"), "Spray-Password-1", $"{prefix}::{i + 1:x}");
            Assert.Equal(HttpStatusCode.BadRequest, failed.StatusCode);
        }

        var account = await NewAccountAsync();
        var throttled = await LoginAsync(browser, account, UsersTestKit.Password, $"{prefix}:1234:5678:9abc:def0");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await LoginAsync(browser, account, UsersTestKit.Password, NextPeer())).StatusCode);
    }

    [Fact]
    public async Task Login_with_an_unknown_email_still_verifies_a_password_hash()
    {
        var browser = fixture.Browser();
        var before = fixture.Hasher.Verifications;
        var response = await LoginAsync(browser, UsersTestKit.NewEmail("nobody"), "Whatever-Password-1", NextPeer());
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Wrong email or password", await response.Content.ReadAsStringAsync());
        Assert.Equal(before + 1, fixture.Hasher.Verifications);
    }

    private static int _peer;

    private static string NextPeer() => "203.0.113." + (Interlocked.Increment(ref _peer) % 250 + 1);

    private async Task<string> NewAccountAsync()
    {
        var email = UsersTestKit.NewEmail("throttle");
        var response = await fixture.App.CreateClient().PostAsJsonAsync("/api/v1/users", new { name = "Throttled", email, password = UsersTestKit.Password });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return email;
    }
}
