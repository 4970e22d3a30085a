using System.Net;
using System.Net.Http.Headers;
using Agora.Shipping.Tests.Infrastructure;

namespace Agora.Shipping.Tests;

/// <summary>
/// Every customer's shipments (addresses, phone numbers) are staff's: role <c>admin</c> AND <c>write:shipments</c> or
/// <c>admin:ops</c>. A partner's token that carries the admin role, or a customer who minted a staff scope, sees its
/// own user's shipments only.
/// </summary>
public sealed class TrustBoundaryTests(EmbeddedShippingFixture fixture) : IClassFixture<EmbeddedShippingFixture>
{
    private async Task<HttpResponseMessage> GetAsync(string url, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await fixture.Client.SendAsync(request);
    }

    [Fact]
    public async Task Admin_role_without_a_staff_scope_cannot_list_another_customers_shipments_403()
    {
        var partner = fixture.App.Identity.Token().Subject("usr_admin").Claim("client_id", "agora-partner").Roles("admin").Scope("read:shipments profile").Build();
        await (await GetAsync("/api/v1/shipments?customer_id=usr_victim", partner)).AssertErrorAsync(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Customer_with_minted_write_shipments_cannot_list_another_customers_shipments_403()
    {
        var customer = fixture.App.Identity.CustomerToken("usr_snoop", "read:shipments write:shipments admin:ops");
        await (await GetAsync("/api/v1/shipments?customer_id=usr_victim", customer)).AssertErrorAsync(403, "FORBIDDEN");
    }

    [Fact]
    public async Task Staff_with_role_and_write_shipments_lists_any_customers_shipments()
    {
        var staff = fixture.App.Identity.StaffToken("write:shipments");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/api/v1/shipments?customer_id=usr_victim", staff)).StatusCode);
    }
}
