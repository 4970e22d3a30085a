using System.Net;
using System.Net.Sockets;
using Agora.Hosting;
using Agora.Identity.Infrastructure;
using Agora.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Agora.Identity.Tests;

/// <summary>
/// Issue 14, secure cookies, on a real Kestrel (real peer addresses): Identity's login and antiforgery cookies as a
/// browser receives them. On plain http://localhost in Development (the two-command start) signing in works and the
/// cookies are HttpOnly and SameSite=Lax but not Secure (a browser would drop a Secure cookie over http); behind the
/// gateway over HTTPS (a trusted proxy's <c>X-Forwarded-Proto: https</c>) they are Secure; the same header from any
/// other peer changes nothing. With <c>Identity:TransportSecurity:RequireHttps</c> (the default outside Development)
/// OpenIddict refuses plain HTTP and the cookies are always Secure.
/// </summary>
public sealed class SecureCookieTests
{
    /// <summary>A second loopback address: a peer on this machine that is not a trusted proxy (those are 127.0.0.1 and ::1).</summary>
    private static readonly IPAddress NotAProxy = IPAddress.Parse("127.0.0.2");

    [Fact]
    public async Task Plain_http_on_localhost_in_Development_signs_in_with_HttpOnly_Lax_cookies_that_are_not_Secure()
    {
        await using var identity = await KestrelIdentity.StartAsync();
        var browser = identity.Browser();

        var (cookies, tokens) = await SignInAsync(browser);

        Assert.StartsWith("ey", (string)tokens["access_token"]!, StringComparison.Ordinal);
        foreach (var name in new[] { "agora.login", "agora.antiforgery" })
        {
            var cookie = Assert.Single(cookies, c => c.Name == name);
            Assert.True(cookie.HttpOnly, $"{name} HttpOnly");
            Assert.Equal(SameSiteMode.Lax, cookie.SameSite);
            Assert.False(cookie.Secure, $"{name} must not be Secure over plain http, or the browser drops it");
        }
    }

    [Fact]
    public async Task Behind_the_gateway_over_https_the_login_and_antiforgery_cookies_are_Secure()
    {
        await using var identity = await KestrelIdentity.StartAsync();
        var gateway = identity.Browser(forwardedProto: "https"); // from 127.0.0.1, a trusted proxy

        var (cookies, tokens) = await SignInAsync(gateway);

        Assert.StartsWith("ey", (string)tokens["access_token"]!, StringComparison.Ordinal);
        foreach (var name in new[] { "agora.login", "agora.antiforgery" })
        {
            var cookie = Assert.Single(cookies, c => c.Name == name);
            Assert.True(cookie.Secure, $"{name} Secure");
            Assert.True(cookie.HttpOnly, $"{name} HttpOnly");
            Assert.Equal(SameSiteMode.Lax, cookie.SameSite);
        }
    }

    [Fact]
    public async Task A_forged_X_Forwarded_Proto_from_a_peer_that_is_not_a_trusted_proxy_is_ignored()
    {
        await using var identity = await KestrelIdentity.StartAsync();
        var forger = identity.Browser(forwardedProto: "https", from: NotAProxy);

        var response = await forger.Client.GetAsync("/account/login?returnUrl=/");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var antiforgery = Assert.Single(forger.Cookies, c => c.Name == "agora.antiforgery");
        Assert.False(antiforgery.Secure, "the forged header made Identity believe the request was HTTPS");
    }

    [Fact]
    public async Task A_gateway_in_a_trusted_network_is_believed_and_a_peer_outside_it_is_not()
    {
        // In Kubernetes the gateway's pods get addresses from a network, not known in advance: trust the network.
        await using var identity = await KestrelIdentity.StartAsync(
            ("Identity:Login:TrustedProxies:0", "127.0.0.0/30"), ("Identity:Login:TrustedProxies:1", "::1"));
        var inNetwork = identity.Browser(forwardedProto: "https", from: NotAProxy); // 127.0.0.2, inside 127.0.0.0/30
        var outside = identity.Browser(forwardedProto: "https", from: IPAddress.Parse("127.0.0.5"));

        Assert.Equal(HttpStatusCode.OK, (await inNetwork.Client.GetAsync("/account/login?returnUrl=/")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await outside.Client.GetAsync("/account/login?returnUrl=/")).StatusCode);

        Assert.True(Assert.Single(inNetwork.Cookies, c => c.Name == "agora.antiforgery").Secure, "a proxy in the trusted network was not believed");
        Assert.False(Assert.Single(outside.Cookies, c => c.Name == "agora.antiforgery").Secure, "a peer outside the trusted network was believed");
    }

    [Fact]
    public async Task RequireHttps_refuses_plain_http_but_serves_https_forwarded_by_a_trusted_proxy_with_Secure_cookies()
    {
        await using var identity = await KestrelIdentity.StartAsync(("Identity:TransportSecurity:RequireHttps", "true"));
        var clientCredentials = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["client_id"] = DemoSeeder.ScriptsClientId,
            ["client_secret"] = DemoSeeder.ScriptsClientSecret, ["scope"] = "read:users",
        };

        var (plainStatus, plain) = await OAuth.TokenAsync(identity.Browser().Client, clientCredentials);
        Assert.Equal(HttpStatusCode.BadRequest, plainStatus);
        Assert.Contains("HTTPS", (string?)plain["error_description"] ?? "", StringComparison.OrdinalIgnoreCase);

        var (forgedStatus, _) = await OAuth.TokenAsync(identity.Browser(forwardedProto: "https", from: NotAProxy).Client, clientCredentials);
        Assert.Equal(HttpStatusCode.BadRequest, forgedStatus);

        var (viaGatewayStatus, viaGateway) = await OAuth.TokenAsync(identity.Browser(forwardedProto: "https").Client, clientCredentials);
        Assert.True(viaGatewayStatus == HttpStatusCode.OK, viaGateway.ToJsonString());

        // The sign-in page: refused over plain HTTP, and its cookies Secure through the gateway.
        var plainPage = await identity.Browser().Client.GetAsync("/account/login?returnUrl=/");
        Assert.Equal(HttpStatusCode.BadRequest, plainPage.StatusCode);
        Assert.Equal("HTTPS_REQUIRED", (string?)System.Text.Json.Nodes.JsonNode.Parse(await plainPage.Content.ReadAsStringAsync())!["error"]!["code"]);
        var gateway = identity.Browser(forwardedProto: "https");
        var (cookies, _) = await SignInAsync(gateway);
        Assert.All(cookies.Where(c => c.Name == "agora.login" || c.Name == "agora.antiforgery"), c => Assert.True(c.Secure, $"{c.Name} Secure"));
        Assert.Contains(cookies, c => c.Name == "agora.login");
    }

    /// <summary>The code flow with PKCE as agora-web; every cookie the browser was sent, and the token response.</summary>
    private static async Task<(IReadOnlyList<SetCookieHeaderValue> Cookies, System.Text.Json.Nodes.JsonObject Tokens)> SignInAsync(Browser browser)
    {
        var (verifier, challenge) = OAuth.Pkce();
        var callback = await OAuth.SignInAndAuthorizeAsync(browser.Client, OAuth.AuthorizeUrl(challenge, "st", scope: "openid profile"),
            DemoSeeder.CustomerEmail, DemoSeeder.CustomerPassword);
        var (status, tokens) = await OAuth.RedeemAsync(browser.Client, OAuth.Query(callback)["code"], verifier);
        Assert.True(status == HttpStatusCode.OK, tokens.ToJsonString());
        return (browser.Cookies, tokens);
    }

    /// <summary>
    /// A browser (or the gateway in front of one): keeps the cookies it is sent and sends them back (the gateway forwards
    /// them over its own hop whatever their Secure flag), optionally adds <c>X-Forwarded-Proto</c>, and connects from
    /// a given source address (a real one, so Identity sees it as the peer).
    /// </summary>
    internal sealed class Browser : IDisposable
    {
        private readonly List<SetCookieHeaderValue> _cookies = [];
        private readonly SocketsHttpHandler _sockets;
        private readonly Jar _jar;

        public Browser(Uri address, string? forwardedProto, IPAddress from)
        {
            _sockets = new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                UseCookies = false,
                ConnectCallback = async (context, cancellation) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(from, 0));
                        await socket.ConnectAsync(context.DnsEndPoint.Host, context.DnsEndPoint.Port, cancellation);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            _jar = new Jar(this, forwardedProto, _sockets);
            Client = new HttpClient(_jar, disposeHandler: false) { BaseAddress = address };
        }

        public HttpClient Client { get; }

        public IReadOnlyList<SetCookieHeaderValue> Cookies => _cookies;

        public void Dispose()
        {
            Client.Dispose();
            _jar.Dispose();
            _sockets.Dispose();
        }

        private sealed class Jar(Browser browser, string? forwardedProto, HttpMessageHandler inner) : DelegatingHandler(inner)
        {
            protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                if (forwardedProto is not null)
                {
                    // The gateway terminates TLS: what the browser addresses as https:// reaches Identity over http.
                    if (request.RequestUri is { Scheme: "https" } target)
                    {
                        request.RequestUri = new UriBuilder(target) { Scheme = Uri.UriSchemeHttp, Port = target.Port }.Uri;
                    }

                    request.Headers.Add("X-Forwarded-Proto", forwardedProto);
                }

                var latest = browser._cookies.GroupBy(c => c.Name.Value).Select(g => g.Last()).ToList();
                if (latest.Count > 0)
                {
                    request.Headers.Add("Cookie", string.Join("; ", latest.Select(c => $"{c.Name}={c.Value}")));
                }

                var response = await base.SendAsync(request, cancellationToken);
                if (response.Headers.TryGetValues("Set-Cookie", out var values))
                {
                    browser._cookies.AddRange(SetCookieHeaderValue.ParseList(values.ToList()));
                }

                return response;
            }
        }
    }

    /// <summary>Identity (Development: the demo accounts) on a real Kestrel on 127.0.0.1.</summary>
    internal sealed class KestrelIdentity : IAsyncDisposable
    {
        private readonly ServiceApp<Program> _app;
        private readonly List<Browser> _browsers = [];

        private KestrelIdentity(ServiceApp<Program> app, Uri address)
        {
            _app = app;
            Address = address;
        }

        public Uri Address { get; }

        public static Task<KestrelIdentity> StartAsync(params (string Key, string Value)[] settings)
        {
            var app = new ServiceApp<Program>("identity", AgoraMode.Embedded);
            app.With("environment", "Development");
            foreach (var (key, value) in settings)
            {
                app.With(key, value);
            }

            // Any free ports: the topology's own (5101, gRPC 7101) belong to an end-to-end shop that may run beside these tests.
            app.With("Kestrel:Endpoints:Http:Url", "http://127.0.0.1:0");
            app.With("Kestrel:Endpoints:Grpc:Url", "http://127.0.0.1:0");
            app.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
            app.StartServer();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            return Task.FromResult(new KestrelIdentity(app, new Uri(address.TrimEnd('/') + "/")));
        }

        public Browser Browser(string? forwardedProto = null, IPAddress? from = null)
        {
            var browser = new Browser(Address, forwardedProto, from ?? IPAddress.Loopback);
            _browsers.Add(browser);
            return browser;
        }

        public async ValueTask DisposeAsync()
        {
            foreach (var browser in _browsers)
            {
                browser.Dispose();
            }

            await _app.DisposeAsync();
        }
    }
}
