using System.Net.Http.Headers;
using Agora.Hosting;
using Agora.Testing;

namespace Agora.Search.Tests;

/// <summary>Rebuilding the index is staff's: role <c>admin</c> AND scope <c>admin:ops</c>, never one of them alone.</summary>
public sealed class TrustBoundaryTests(TrustBoundaryTests.Fixture fixture) : IClassFixture<TrustBoundaryTests.Fixture>
{
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001:Types that own disposable fields should be disposable", Justification = "xUnit disposes a fixture through IAsyncLifetime.DisposeAsync, which disposes the app.")]
    public sealed class Fixture : IAsyncLifetime
    {
        private ServiceApp<Program> _app = null!;

        public TestIdentity Identity { get; private set; } = null!;

        public HttpClient Client { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Identity = await TestIdentity.StartAsync();
            _app = new ServiceApp<Program>("search", AgoraMode.Embedded);
            _app.With("Agora:Auth:Authority", Identity.Issuer)
                .With("Search:BuildOnStart", "false");
            Client = _app.CreateClient();
        }

        public async Task DisposeAsync()
        {
            await _app.DisposeAsync();
            await Identity.DisposeAsync();
        }
    }

    public static TheoryData<string> NotStaff => ["admin role only", "customer who minted admin:ops"];

    [Theory]
    [MemberData(nameof(NotStaff))]
    public async Task Not_staff_cannot_rebuild_the_search_index_403(string who)
    {
        var token = who == "admin role only"
            ? fixture.Identity.Token().Subject("usr_admin").Claim("client_id", "agora-partner").Roles("admin").Scope("read:orders").Build()
            : fixture.Identity.CustomerToken("usr_customer", "openid admin:ops");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/admin/search/rebuild");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await (await fixture.Client.SendAsync(request)).AssertErrorAsync(403, "FORBIDDEN");
    }
}
