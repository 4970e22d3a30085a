using System.Security.Claims;
using Agora.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Agora.ServiceDefaults.Tests.Auth;

/// <summary>
/// The shared policy helpers: a staff policy wants role AND scope, a service policy wants a client-credentials token,
/// and neither lets the other's caller (or a customer holding the right scope) through.
/// </summary>
public sealed class AgoraPoliciesTests
{
    private const string Staff = "test:staff";
    private const string Service = "test:service";
    private const string StaffOrService = "test:staff-or-service";
    private const string Customer = "test:customer";

    private static readonly IAuthorizationService Authorization = Build();

    private static IAuthorizationService Build()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddAuthorizationBuilder()
            .AddStaffPolicy(Staff, AgoraScopes.AdminOps)
            .AddServicePolicy(Service, AgoraScopes.WriteInventory)
            .AddStaffOrServicePolicy(StaffOrService, AgoraScopes.WriteCatalog)
            .AddCustomerPolicy(Customer, ["read:orders"], staffScopes: [AgoraScopes.AdminOps]);
        return services.BuildServiceProvider().GetRequiredService<IAuthorizationService>();
    }

    private static ClaimsPrincipal User(string sub, string client, string? scope = null, params string[] roles)
    {
        var claims = new List<Claim> { new("sub", sub), new("client_id", client) };
        if (scope is not null)
        {
            claims.Add(new Claim("scope", scope));
        }

        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, "Bearer", AgoraClaims.Subject, AgoraClaims.Roles));
    }

    private static ClaimsPrincipal ServiceToken(string scope, string client = "agora-ordering") => User(client, client, scope);

    private static async Task<bool> AllowedAsync(ClaimsPrincipal user, string policy) =>
        (await Authorization.AuthorizeAsync(user, null, policy)).Succeeded;

    [Fact]
    public async Task StaffPolicy_RoleAndScope_Allowed()
    {
        Assert.True(await AllowedAsync(User("usr_admin", "agora-web", "openid admin:ops", "admin"), Staff));
    }

    [Fact]
    public async Task StaffPolicy_AdminRoleWithoutStaffScope_Refused()
    {
        // The partner an admin consented to for "read:orders profile" got roles: admin in its token.
        Assert.False(await AllowedAsync(User("usr_admin", "agora-partner", "read:orders profile", "admin"), Staff));
    }

    [Fact]
    public async Task StaffPolicy_StaffScopeWithoutAdminRole_Refused()
    {
        // A customer who talked a client into issuing a staff scope.
        Assert.False(await AllowedAsync(User("usr_customer", "agora-web", "openid admin:ops write:catalog"), Staff));
        Assert.False(await AllowedAsync(User("usr_customer", "agora-web", "admin:ops", "customer"), Staff));
    }

    [Fact]
    public async Task StaffPolicy_ServiceTokenWithStaffScope_Refused()
    {
        Assert.False(await AllowedAsync(ServiceToken("admin:ops"), Staff));
    }

    [Fact]
    public async Task ServicePolicy_ClientCredentialsWithScope_Allowed()
    {
        Assert.True(await AllowedAsync(ServiceToken("write:inventory"), Service));
        Assert.False(await AllowedAsync(ServiceToken("write:catalog"), Service));
    }

    [Fact]
    public async Task ServicePolicy_UserTokenWithServiceScope_Refused()
    {
        Assert.False(await AllowedAsync(User("usr_customer", "agora-web", "write:inventory"), Service));
        Assert.False(await AllowedAsync(User("usr_admin", "agora-web", "write:inventory admin:ops", "admin"), Service));
    }

    [Fact]
    public async Task ServicePolicy_SubjectEqualsClientButCarriesRoles_Refused()
    {
        Assert.False(await AllowedAsync(User("agora-ordering", "agora-ordering", "write:inventory", "admin"), Service));
    }

    [Fact]
    public async Task ServicePolicy_NoClientId_Refused()
    {
        var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "svc"), new Claim("scope", "write:inventory")], "Bearer"));
        Assert.False(await AllowedAsync(principal, Service));
    }

    [Fact]
    public async Task StaffOrServicePolicy_AdmitsBothButNotCustomerWithScope()
    {
        Assert.True(await AllowedAsync(User("usr_admin", "agora-web", "write:catalog", "admin"), StaffOrService));
        Assert.True(await AllowedAsync(ServiceToken("write:catalog", "agora-scripts"), StaffOrService));
        Assert.False(await AllowedAsync(User("usr_customer", "agora-web", "openid write:catalog"), StaffOrService));
        Assert.False(await AllowedAsync(User("usr_admin", "agora-web", "openid", "admin"), StaffOrService));
    }

    [Fact]
    public async Task CustomerPolicy_ScopeOrStaff()
    {
        Assert.True(await AllowedAsync(User("usr_customer", "agora-web", "read:orders"), Customer));
        Assert.True(await AllowedAsync(User("usr_admin", "agora-web", "admin:ops", "admin"), Customer));
        Assert.False(await AllowedAsync(User("usr_admin", "agora-partner", "profile", "admin"), Customer));
        Assert.False(await AllowedAsync(User("usr_customer", "agora-web", "read:payments"), Customer));
    }

    [Fact]
    public void IsStaff_WantsRoleAndOneOfTheScopes()
    {
        Assert.True(User("usr_a", "agora-web", "write:payments", "admin").IsStaff(AgoraScopes.WritePayments, AgoraScopes.AdminOps));
        Assert.False(User("usr_a", "agora-web", "read:payments", "admin").IsStaff(AgoraScopes.WritePayments, AgoraScopes.AdminOps));
        Assert.False(User("usr_a", "agora-web", "write:payments").IsStaff(AgoraScopes.WritePayments));
        Assert.False(new ClaimsPrincipal(new ClaimsIdentity()).IsStaff(AgoraScopes.AdminOps));
    }

    [Fact]
    public void Describe_NamesEachBranch()
    {
        var text = new AgoraAccessRequirement(staffScopes: ["write:catalog"], serviceScopes: ["write:catalog"]).Describe();
        Assert.Contains("role `admin` and scope `write:catalog`", text, StringComparison.Ordinal);
        Assert.Contains("client-credentials", text, StringComparison.Ordinal);
    }
}
