using System.Net;
using System.Net.Http.Headers;

namespace Agora.Identity.Tests;

/// <summary>
/// Identity's dead-letter admin API (shared with every service, tested in depth in Catalog's tests): Identity guards it
/// with its own access tokens, since it has no JwtBearer scheme. Staff only.
/// </summary>
public abstract class DeadLetterAdminBehaviour(IdentityFixture fixture)
{
    private const string Base = "/api/v1/admin/dead-letters";

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, string? token)
    {
        using var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await fixture.App.CreateClient().SendAsync(request);
    }

    [Fact]
    public async Task List_AsAdmin_IsAnEmptyPage()
    {
        var response = await SendAsync(HttpMethod.Get, Base, await UsersTestKit.AdminTokenAsync(fixture));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.BodyAsync();
        Assert.Empty(body["data"]!.AsArray());
        Assert.Equal(0, (long)body["pagination"]!["total"]!);
        await (await SendAsync(HttpMethod.Get, $"{Base}/dlt_{Guid.NewGuid():N}", await UsersTestKit.AdminTokenAsync(fixture)))
            .AssertErrorAsync(404, "DEAD_LETTER_NOT_FOUND");
    }

    [Fact]
    public async Task Endpoints_AnonymousOrNotStaff_Are401Or403()
    {
        var customer = (await UsersTestKit.NewCustomerAsync(fixture)).Token;
        var service = await UsersTestKit.ServiceTokenAsync(fixture);
        var id = $"dlt_{Guid.NewGuid():N}";
        (HttpMethod, string)[] endpoints =
        [
            (HttpMethod.Get, Base), (HttpMethod.Get, $"{Base}/{id}"), (HttpMethod.Post, $"{Base}/{id}/replay"),
            (HttpMethod.Post, $"{Base}/replay"), (HttpMethod.Delete, $"{Base}/{id}"), (HttpMethod.Delete, $"{Base}?all=true"),
        ];
        foreach (var (method, url) in endpoints)
        {
            await (await SendAsync(method, url, null)).AssertErrorAsync(401, "UNAUTHORIZED");
            await (await SendAsync(method, url, customer)).AssertErrorAsync(403, "FORBIDDEN");
            await (await SendAsync(method, url, service)).AssertErrorAsync(403, "FORBIDDEN");
        }
    }
}

public sealed class EmbeddedDeadLetterAdminTests(EmbeddedIdentityFixture fixture)
    : DeadLetterAdminBehaviour(fixture), IClassFixture<EmbeddedIdentityFixture>;

public sealed class DistributedDeadLetterAdminTests(DistributedIdentityFixture fixture)
    : DeadLetterAdminBehaviour(fixture), IClassFixture<DistributedIdentityFixture>;
