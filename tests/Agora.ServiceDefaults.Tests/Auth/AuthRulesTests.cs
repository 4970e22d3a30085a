using System.Security.Claims;
using Agora.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Hosting.Internal;

namespace Agora.ServiceDefaults.Tests.Auth;

public sealed class AuthRulesTests
{
    [Theory]
    [InlineData("http://localhost:5101/", "Production", null, false)] // loopback: no network to tamper on
    [InlineData("http://127.0.0.1:5101/", "Production", null, false)]
    [InlineData("http://[::1]:5101/", "Production", null, false)]
    [InlineData("http://identity:5101/", "Production", null, true)]
    [InlineData("https://identity.agora.example/", "Production", null, true)]
    [InlineData("http://identity:5101/", "Development", null, false)]
    [InlineData("http://identity:5101/", "Testing", null, false)]
    [InlineData("http://identity:5101/", "Production", false, false)] // behind a mesh, said explicitly
    [InlineData("http://localhost:5101/", "Development", true, true)]
    public void RequiresHttps_FollowsAuthorityAndEnvironment(string authority, string environment, bool? configured, bool expected)
    {
        var options = new AgoraAuthOptions { Authority = authority, RequireHttpsMetadata = configured };
        Assert.Equal(expected, AuthenticationExtensions.RequiresHttps(options, new HostingEnvironment { EnvironmentName = environment }));
    }

    private static async Task<bool> AllowedAsync(params Claim[] claims)
    {
        var requirement = new AgoraAccessRequirement(scopes: ["write:catalog"]);
        var user = new ClaimsPrincipal(new ClaimsIdentity(claims, "Bearer", AgoraClaims.Subject, AgoraClaims.Roles));
        var context = new AuthorizationHandlerContext([requirement], user, null);
        await requirement.HandleAsync(context);
        return context.HasSucceeded;
    }

    [Fact]
    public async Task ScopeBranch_MatchesWholeScopesOnly()
    {
        Assert.True(await AllowedAsync(new Claim("scope", "read:users write:catalog")));
        Assert.True(await AllowedAsync(new Claim("scope", "read:users"), new Claim("scope", "write:catalog")));
        Assert.False(await AllowedAsync(new Claim("scope", "write:catalogue write:catalog-drafts")));
        Assert.False(await AllowedAsync(new Claim("scope", "admin")));
        Assert.False(await AllowedAsync(new Claim("roles", "admin")));
        Assert.False(await AllowedAsync(new Claim("roles", "write:catalog")));
        Assert.False(await AllowedAsync(new Claim("sub", "admin")));
    }
}
